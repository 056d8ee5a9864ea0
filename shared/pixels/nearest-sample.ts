/**
 * Nearest-neighbour downscaling by pixel centres: of an image `size` pixels across shown on
 * `shown` screen pixels, screen pixel d shows image pixel ⌊(d + ½) · size / shown⌋. That is what
 * a browser shows for a canvas scaled down with `image-rendering: pixelated`; drawing the
 * samples at the screen's own resolution costs the painting and compositing of `shown` pixels
 * instead of `size`. Integer arithmetic throughout, so every side computes the same samples.
 */

/** The image pixel that screen pixel `d` (of `shown`) samples, for an image `size` across. */
export function sampledPixel(d: number, shown: number, size: number): number {
  return Math.floor(((2 * d + 1) * size) / (2 * shown));
}

/** The screen pixels [first, end) whose samples lie in image pixels [from, to). */
export function screenSpan(from: number, to: number, shown: number, size: number): [first: number, end: number] {
  return [firstScreenPixel(from, shown, size), firstScreenPixel(to, shown, size)];
}

/** The first screen pixel whose sample is image pixel `from` or later: ⌈(2 · from · shown − size) / (2 · size)⌉. */
function firstScreenPixel(from: number, shown: number, size: number): number {
  return Math.max(0, Math.ceil((2 * from * shown - size) / (2 * size)));
}

/** The height shown for an image `width` × `height` shown `shownWidth` across, at least 1. */
export function shownHeight(width: number, height: number, shownWidth: number): number {
  return Math.max(1, Math.round((height * shownWidth) / width));
}

/**
 * Screen rows [y0, y1) and columns [x0, x1) of `rgba` (an image `width` × `height`, one 32-bit
 * word per pixel) shown at `shownWidth` × `shownHeight`: the sampled pixels, rows top-down.
 */
export function sampleScreenRect(
  rgba: Uint32Array,
  image: { width: number; height: number },
  shown: { width: number; height: number },
  rect: { x0: number; x1: number; y0: number; y1: number },
): Uint32Array<ArrayBuffer> {
  const { x0, x1, y0, y1 } = rect;
  const columns = new Uint32Array(x1 - x0);
  for (let x = x0; x < x1; x++) columns[x - x0] = sampledPixel(x, shown.width, image.width);
  const out = new Uint32Array(columns.length * (y1 - y0));
  for (let y = y0, o = 0; y < y1; y++) {
    const row = sampledPixel(y, shown.height, image.height) * image.width;
    for (let i = 0; i < columns.length; i++, o++) out[o] = rgba[row + columns[i]!]!;
  }
  return out;
}
