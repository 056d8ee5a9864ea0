/**
 * RGBA bytes (4 per pixel, rows top-down, as a canvas gives them) → the smallest lossless
 * {@link NativeImage}: 24-bit BGR when every pixel is opaque, 32-bit ARGB words otherwise.
 */
import { MASKS_ARGB32, type NativeImage } from './pixel-format.ts';

export function fromRgba(width: number, height: number, rgba: Uint8Array): NativeImage {
  const count = width * height;
  if (!Number.isSafeInteger(count) || width <= 0 || height <= 0 || rgba.byteLength !== count * 4) {
    // Misuse by the caller (the canvas always agrees with itself), not bad input from a user.
    throw new TypeError(`${width}×${height} RGBA needs ${count * 4} bytes, got ${rgba.byteLength}`);
  }
  let opaque = true;
  for (let o = 3; o < rgba.length; o += 4) {
    if (rgba[o] !== 255) {
      opaque = false;
      break;
    }
  }
  if (opaque) {
    const pixels = new Uint8Array(count * 3);
    for (let p = 0, i = 0, o = 0; p < count; p++, i += 3, o += 4) {
      pixels[i] = rgba[o + 2]!;
      pixels[i + 1] = rgba[o + 1]!;
      pixels[i + 2] = rgba[o]!;
    }
    return { width, height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
  }
  // ARGB words stored little-endian are the bytes B, G, R, A.
  const pixels = new Uint8Array(count * 4);
  for (let o = 0; o < rgba.length; o += 4) {
    pixels[o] = rgba[o + 2]!;
    pixels[o + 1] = rgba[o + 1]!;
    pixels[o + 2] = rgba[o]!;
    pixels[o + 3] = rgba[o + 3]!;
  }
  return { width, height, format: { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 }, pixels };
}
