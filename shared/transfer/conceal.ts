/**
 * Concealment: paints each missing pixel with the mean of its received (or already painted)
 * 4-neighbours, for a few passes, so isolated holes and small clusters take the average of their
 * true neighbours. What is left after that (large holes: the unsent rows of a transfer in
 * progress, a burst of lost packets in rows order) is filled by linear interpolation down each
 * column between the nearest known pixels above and below, then along each row for columns with
 * nothing known at all. The work is proportional to the image, whatever the holes' shape. Works on
 * a display copy; the received data is never touched.
 */

/** Neighbour-mean passes before interpolation takes over: enough for every hole 5 pixels across. */
const NEIGHBOUR_PASSES = 3;

/**
 * Fills, in `rgba` (one little-endian RGBA word per pixel), every pixel whose `missing` byte is
 * non-zero. Pixels with no known pixel anywhere (an image with nothing received) stay as they are.
 */
export function conceal(rgba: Uint32Array, missing: Uint8Array, width: number, height: number): void {
  const known = new Uint8Array(missing.length);
  let count = 0;
  for (let i = 0; i < missing.length; i++) {
    if (missing[i]) count++;
    else known[i] = 1;
  }
  // Typed index lists: at 10 % loss a 24-megapixel image has 2.4 million holes.
  let pending = new Int32Array(count);
  for (let i = 0, k = 0; k < count; i++) if (missing[i]) pending[k++] = i;
  let next = new Int32Array(count);
  const filled = new Int32Array(count);
  let pendingLength = count;
  for (let pass = 0; pass < NEIGHBOUR_PASSES && pendingLength > 0; pass++) {
    let nextLength = 0;
    let filledLength = 0;
    // The list is in raster order, so the row advances monotonically: no division per pixel.
    let y = 0;
    let rowStart = 0;
    for (let k = 0; k < pendingLength; k++) {
      const p = pending[k]!;
      while (p >= rowStart + width) {
        y++;
        rowStart += width;
      }
      const x = p - rowStart;
      // Branch-free: each neighbour's word is masked to 0 unless it is known (the holes are
      // scattered, so known-or-not branches would mispredict half the time).
      const kl = x > 0 ? known[p - 1]! : 0;
      const kr = x + 1 < width ? known[p + 1]! : 0;
      const ku = y > 0 ? known[p - width]! : 0;
      const kd = y + 1 < height ? known[p + width]! : 0;
      const n = kl + kr + ku + kd;
      const vl = kl ? rgba[p - 1]! : 0;
      const vr = kr ? rgba[p + 1]! : 0;
      const vu = ku ? rgba[p - width]! : 0;
      const vd = kd ? rgba[p + width]! : 0;
      const r = (vl & 0xff) + (vr & 0xff) + (vu & 0xff) + (vd & 0xff);
      const g = ((vl >>> 8) & 0xff) + ((vr >>> 8) & 0xff) + ((vu >>> 8) & 0xff) + ((vd >>> 8) & 0xff);
      const b = ((vl >>> 16) & 0xff) + ((vr >>> 16) & 0xff) + ((vu >>> 16) & 0xff) + ((vd >>> 16) & 0xff);
      const a = (vl >>> 24) + (vr >>> 24) + (vu >>> 24) + (vd >>> 24);
      if (n === 0) {
        next[nextLength++] = p;
        continue;
      }
      const half = n >> 1;
      rgba[p] =
        Math.floor((r + half) / n) |
        (Math.floor((g + half) / n) << 8) |
        (Math.floor((b + half) / n) << 16) |
        (Math.floor((a + half) / n) << 24);
      filled[filledLength++] = p;
    }
    // Pixels painted in this pass count as known only from the next one, so a hole fills
    // symmetrically from all its edges rather than smearing in scan direction.
    if (filledLength === 0) break;
    for (let k = 0; k < filledLength; k++) known[filled[k]!] = 1;
    [pending, next] = [next, pending];
    pendingLength = nextLength;
    // A pass that filled little means large holes (the unsent part of a transfer in progress):
    // more passes would each revisit all of them; interpolation handles them in one sweep.
    if (filledLength * 8 < pendingLength) break;
  }
  if (pendingLength === 0) return;
  const lastKnown = interpolateColumns(rgba, known, width, height);
  interpolateEmptyColumns(rgba, lastKnown, width, height);
}

/** Mixes two RGBA words channel by channel: a + (b − a) × t, t in [0, 1]. */
function mix(a: number, b: number, t: number): number {
  let out = 0;
  for (let shift = 0; shift < 32; shift += 8) {
    const ca = (a >>> shift) & 0xff;
    const cb = (b >>> shift) & 0xff;
    out |= Math.round(ca + (cb - ca) * t) << shift;
  }
  return out >>> 0;
}

/**
 * Fills unknown pixels down each column from the nearest known ones above and below, copying the
 * nearest one at a column's ends. Scans row by row, remembering each column's last known row, so
 * memory is read in order and only the pixels of gaps are revisited. Returns, per column, its
 * last known row (−1: nothing known in that column).
 */
function interpolateColumns(rgba: Uint32Array, known: Uint8Array, width: number, height: number): Int32Array {
  const lastKnown = new Int32Array(width).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0, p = y * width; x < width; x++, p++) {
      if (!known[p]) continue;
      const above = lastKnown[x]!;
      if (y - above > 1) {
        const value = rgba[p]!;
        if (above < 0) {
          for (let gy = 0; gy < y; gy++) rgba[gy * width + x] = value;
        } else {
          const top = rgba[above * width + x]!;
          for (let gy = above + 1; gy < y; gy++) rgba[gy * width + x] = mix(top, value, (gy - above) / (y - above));
        }
      }
      lastKnown[x] = y;
    }
  }
  // Below each column's last known pixel (the unsent rows of a transfer in progress): copy it
  // down, in row order.
  let firstGapRow = height;
  for (let x = 0; x < width; x++) if (lastKnown[x]! >= 0) firstGapRow = Math.min(firstGapRow, lastKnown[x]! + 1);
  for (let y = firstGapRow; y < height; y++) {
    for (let x = 0, p = y * width; x < width; x++, p++) {
      const above = lastKnown[x]!;
      if (above >= 0 && y > above) rgba[p] = rgba[above * width + x]!;
    }
  }
  return lastKnown;
}

/** Columns with nothing known are filled along each row between the nearest filled columns. */
function interpolateEmptyColumns(rgba: Uint32Array, lastKnown: Int32Array, width: number, height: number): void {
  const full: number[] = [];
  for (let x = 0; x < width; x++) if (lastKnown[x]! >= 0) full.push(x);
  if (full.length === 0 || full.length === width) return;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let left = -1;
    for (const x of full) {
      if (x - left > 1) {
        const value = rgba[row + x]!;
        if (left < 0) {
          for (let gx = 0; gx < x; gx++) rgba[row + gx] = value;
        } else {
          const start = rgba[row + left]!;
          for (let gx = left + 1; gx < x; gx++) rgba[row + gx] = mix(start, value, (gx - left) / (x - left));
        }
      }
      left = x;
    }
    const value = rgba[row + left]!;
    for (let gx = left + 1; gx < width; gx++) rgba[row + gx] = value;
  }
}
