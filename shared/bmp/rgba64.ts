/**
 * 64-bit BMP pixels (BI_RGB, 64 bits per pixel): four little-endian 16-bit words B, G, R, A,
 * each a signed s2.13 fixed-point number (8192 = 1.0) in linear light, alpha not premultiplied.
 * This is the format Windows' WIC writes; BMP Suite's q/rgba64.bmp is its rendering of rgba32.
 * There is no native 64-bit format to keep, so the pixels become 8-bit sRGB ARGB words:
 * colours through the sRGB transfer function (IEC 61966-2-1), alpha linearly, both clamped to
 * 0–1 and rounded to the nearest 8-bit value.
 */

/** One entry per possible 16-bit word, read as a signed s2.13 value. */
function table(transfer: (linear: number) => number): Uint8Array {
  const out = new Uint8Array(65536);
  for (let word = 0; word < 65536; word++) {
    const value = ((word << 16) >> 16) / 8192;
    out[word] = Math.round(transfer(Math.min(1, Math.max(0, value))) * 255);
  }
  return out;
}

let colourTable: Uint8Array | undefined;
let alphaTable: Uint8Array | undefined;

const srgb = (linear: number): number => (linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055);

/**
 * Stored rows (bottom-up unless `topDown`, `stride` bytes apart) → top-down ARGB words, 4 bytes
 * per pixel stored B, G, R, A.
 */
export function rgba64ToArgb(
  data: Uint8Array,
  width: number,
  height: number,
  stride: number,
  topDown: boolean,
): Uint8Array {
  colourTable ??= table(srgb);
  alphaTable ??= table((alpha) => alpha);
  const colour = colourTable;
  const alpha = alphaTable;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0, o = 0; y < height; y++) {
    let i = (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++, i += 8, o += 4) {
      out[o] = colour[data[i]! | (data[i + 1]! << 8)]!;
      out[o + 1] = colour[data[i + 2]! | (data[i + 3]! << 8)]!;
      out[o + 2] = colour[data[i + 4]! | (data[i + 5]! << 8)]!;
      out[o + 3] = alpha[data[i + 6]! | (data[i + 7]! << 8)]!;
    }
  }
  return out;
}
