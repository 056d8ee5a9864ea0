/**
 * Concealment: paints each missing pixel with the mean of its received (or already painted)
 * 4-neighbours, pass after pass, so isolated holes take the average of four true neighbours and
 * larger holes fill inwards from their edges. Works on a display copy; the received data is never
 * touched.
 */

/**
 * Fills, in `rgba` (one little-endian RGBA word per pixel), every pixel whose `missing` byte is
 * non-zero. Pixels with no known pixel anywhere (an image with nothing received) stay as they are.
 */
export function conceal(rgba: Uint32Array, missing: Uint8Array, width: number, height: number): void {
  const known = new Uint8Array(missing.length);
  let pending: number[] = [];
  for (let i = 0; i < missing.length; i++) {
    if (missing[i]) pending.push(i);
    else known[i] = 1;
  }
  const filled: number[] = [];
  const sum = new Uint32Array(5);
  while (pending.length > 0) {
    const next: number[] = [];
    for (const p of pending) {
      const y = Math.floor(p / width);
      const x = p - y * width;
      sum.fill(0);
      if (x > 0 && known[p - 1]) accumulate(sum, rgba[p - 1]!);
      if (x + 1 < width && known[p + 1]) accumulate(sum, rgba[p + 1]!);
      if (y > 0 && known[p - width]) accumulate(sum, rgba[p - width]!);
      if (y + 1 < height && known[p + width]) accumulate(sum, rgba[p + width]!);
      const n = sum[4]!;
      if (n === 0) {
        next.push(p);
        continue;
      }
      const half = n >> 1;
      rgba[p] =
        Math.floor((sum[0]! + half) / n) |
        (Math.floor((sum[1]! + half) / n) << 8) |
        (Math.floor((sum[2]! + half) / n) << 16) |
        (Math.floor((sum[3]! + half) / n) << 24);
      filled.push(p);
    }
    // Pixels painted in this pass count as known only from the next one, so a hole fills
    // symmetrically from all its edges rather than smearing in scan direction.
    if (filled.length === 0) break;
    for (const p of filled) known[p] = 1;
    filled.length = 0;
    pending = next;
  }
}

/** Adds the channels of an RGBA word to sum[0 … 3] and counts it in sum[4]. */
function accumulate(sum: Uint32Array, v: number): void {
  sum[0]! += v & 0xff;
  sum[1]! += (v >>> 8) & 0xff;
  sum[2]! += (v >>> 16) & 0xff;
  sum[3]! += v >>> 24;
  sum[4]! += 1;
}
