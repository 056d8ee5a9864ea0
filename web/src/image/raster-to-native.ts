/**
 * Browser-decoded RGBA → BMP pixel data, so a PNG, JPEG, WebP or GIF travels exactly like a
 * BMP: 24-bit BGR when every pixel is opaque, 32-bit with an alpha mask otherwise.
 */
import { MASKS_ARGB32, type NativeImage } from '../../../shared/pixels/pixel-format.ts';

export function rasterToNative(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): NativeImage {
  const count = width * height;
  if (rgba.length !== count * 4) throw new RangeError(`expected ${count * 4} RGBA bytes, got ${rgba.length}`);
  return hasAlpha(rgba) ? toArgb32(width, height, rgba) : toBgr24(width, height, rgba);
}

function hasAlpha(rgba: Uint8Array | Uint8ClampedArray): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

function toBgr24(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): NativeImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    pixels[o] = rgba[i + 2]!;
    pixels[o + 1] = rgba[i + 1]!;
    pixels[o + 2] = rgba[i]!;
  }
  return { width, height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
}

/** Little-endian words with alpha in the top byte: bytes B, G, R, A. */
function toArgb32(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): NativeImage {
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    pixels[i] = rgba[i + 2]!;
    pixels[i + 1] = rgba[i + 1]!;
    pixels[i + 2] = rgba[i]!;
    pixels[i + 3] = rgba[i + 3]!;
  }
  return { width, height, format: { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 }, pixels };
}
