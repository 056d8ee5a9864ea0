/**
 * Concealment: paints each missing pixel with the mean of its received (or already painted)
 * 4-neighbours, for a few passes, so isolated holes and small clusters take the average of their
 * true neighbours. What is left after that (large holes: the unsent part of a transfer in
 * progress, a burst of lost packets in rows order, the gaps of an interlaced preview) is filled by
 * linear interpolation: down each column between known pixels, then along each row, then across
 * rows with nothing known. The work is proportional to the image, whatever the holes' shape.
 * Works on a display copy; the received data is never touched.
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
  if (count === 0) return;
  // Few pixels known (an interlaced preview, the start of a transfer): a neighbour pass fills at
  // most the four beside each, under an eighth of the holes, so the passes would stop after the
  // first. That pass is done from the known pixels' side then, rather than by visiting every
  // hole: the same pixels, the same values, a fraction of the work.
  if (36 * (missing.length - count) < count) fillBesideKnown(rgba, known, width, height);
  else if (neighbourPasses(rgba, known, missing, count, width, height) === 0) return;
  interpolateColumnGaps(rgba, known, width, height);
  const rowHasKnown = interpolateRows(rgba, known, width, height);
  interpolateEmptyRows(rgba, rowHasKnown, width, height);
}

/** The channel-by-channel mean, halves rounded up, of the n known words among four (the others passed as 0). */
function mean(vl: number, vr: number, vu: number, vd: number, n: number): number {
  const half = n >> 1;
  const r = (vl & 0xff) + (vr & 0xff) + (vu & 0xff) + (vd & 0xff);
  const g = ((vl >>> 8) & 0xff) + ((vr >>> 8) & 0xff) + ((vu >>> 8) & 0xff) + ((vd >>> 8) & 0xff);
  const b = ((vl >>> 16) & 0xff) + ((vr >>> 16) & 0xff) + ((vu >>> 16) & 0xff) + ((vd >>> 16) & 0xff);
  const a = (vl >>> 24) + (vr >>> 24) + (vu >>> 24) + (vd >>> 24);
  return (
    Math.floor((r + half) / n) |
    (Math.floor((g + half) / n) << 8) |
    (Math.floor((b + half) / n) << 16) |
    (Math.floor((a + half) / n) << 24)
  );
}

/**
 * Up to {@link NEIGHBOUR_PASSES} neighbour-mean passes over the holes; marks what they fill as
 * known and returns how many holes are left.
 */
function neighbourPasses(rgba: Uint32Array, known: Uint8Array, missing: Uint8Array, count: number, width: number, height: number): number {
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
      if (n === 0) {
        next[nextLength++] = p;
        continue;
      }
      rgba[p] = mean(vl, vr, vu, vd, n);
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
  return pendingLength;
}

/** One neighbour pass, visiting only the holes beside known pixels; marks what it fills as known. */
function fillBesideKnown(rgba: Uint32Array, known: Uint8Array, width: number, height: number): void {
  const filled: number[] = [];
  // 2 marks a hole already visited in this pass: a hole, to the means (`& 1`).
  const visit = (q: number, x: number, y: number): void => {
    if (known[q] !== 0) return;
    known[q] = 2;
    const kl = x > 0 ? known[q - 1]! & 1 : 0;
    const kr = x + 1 < width ? known[q + 1]! & 1 : 0;
    const ku = y > 0 ? known[q - width]! & 1 : 0;
    const kd = y + 1 < height ? known[q + width]! & 1 : 0;
    rgba[q] = mean(kl ? rgba[q - 1]! : 0, kr ? rgba[q + 1]! : 0, ku ? rgba[q - width]! : 0, kd ? rgba[q + width]! : 0, kl + kr + ku + kd);
    filled.push(q);
  };
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      if (known[p] !== 1) continue;
      if (x > 0) visit(p - 1, x - 1, y);
      if (x + 1 < width) visit(p + 1, x + 1, y);
      if (y > 0) visit(p - width, x, y - 1);
      if (y + 1 < height) visit(p + width, x, y + 1);
    }
  }
  for (let y = 0, p = 0; y < height; y++) for (let x = 0; x < width; x++, p++) if (known[p] === 2) known[p] = 0;
  for (const q of filled) known[q] = 1;
}

/**
 * Mixes two RGBA words channel by channel: a + (b − a) × t, t in [0, 1]. Unrolled: it runs for
 * every pixel of a large hole, millions per redraw early in a transfer.
 */
function mix(a: number, b: number, t: number): number {
  const r = a & 0xff;
  const g = (a >>> 8) & 0xff;
  const bl = (a >>> 16) & 0xff;
  const al = a >>> 24;
  return (
    (Math.round(r + ((b & 0xff) - r) * t) |
      (Math.round(g + (((b >>> 8) & 0xff) - g) * t) << 8) |
      (Math.round(bl + (((b >>> 16) & 0xff) - bl) * t) << 16) |
      (Math.round(al + ((b >>> 24) - al) * t) << 24)) >>>
    0
  );
}

/**
 * Fills the gaps of each column that have known pixels both above and below, linearly between
 * them, and marks them known. Scans row by row, remembering each column's last known row, so
 * memory is read in order and only gap pixels are revisited. Gaps open at a column's top or
 * bottom are left to the row pass: the column knows nothing there.
 */
function interpolateColumnGaps(rgba: Uint32Array, known: Uint8Array, width: number, height: number): void {
  const lastKnown = new Int32Array(width).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0, p = y * width; x < width; x++, p++) {
      if (!known[p]) continue;
      const above = lastKnown[x]!;
      if (above >= 0 && y - above > 1) {
        const top = rgba[above * width + x]!;
        const bottom = rgba[p]!;
        for (let gy = above + 1; gy < y; gy++) {
          const q = gy * width + x;
          rgba[q] = mix(top, bottom, (gy - above) / (y - above));
          known[q] = 1;
        }
      }
      lastKnown[x] = y;
    }
  }
}

/**
 * Fills each row's unknown pixels between its known ones (copying the nearest at the row's ends).
 * Returns which rows had any known pixel; the others are left for {@link interpolateEmptyRows}.
 */
function interpolateRows(rgba: Uint32Array, known: Uint8Array, width: number, height: number): Uint8Array {
  const rowHasKnown = new Uint8Array(height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let left = -1;
    for (let x = 0; x < width; x++) {
      if (!known[row + x]) continue;
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
    if (left < 0) continue;
    rowHasKnown[y] = 1;
    const value = rgba[row + left]!;
    for (let gx = left + 1; gx < width; gx++) rgba[row + gx] = value;
  }
  return rowHasKnown;
}

/**
 * Rows with nothing known (the unsent rows of a transfer in progress) become a blend of the
 * nearest filled rows above and below, or a copy of the one there is.
 */
function interpolateEmptyRows(rgba: Uint32Array, rowHasKnown: Uint8Array, width: number, height: number): void {
  let above = -1;
  for (let y = 0; y <= height; y++) {
    if (y < height && !rowHasKnown[y]) continue;
    if (y - above > 1 && (above >= 0 || y < height)) {
      for (let gy = above + 1; gy < y; gy++) {
        const to = gy * width;
        if (above < 0) rgba.copyWithin(to, y * width, y * width + width);
        else if (y === height) rgba.copyWithin(to, above * width, above * width + width);
        else {
          const t = (gy - above) / (y - above);
          for (let x = 0; x < width; x++) rgba[to + x] = mix(rgba[above * width + x]!, rgba[y * width + x]!, t);
        }
      }
    }
    above = y;
  }
}
