/** Comparing images in tests: one raw pixel, or whole buffers. */
import { rowBytes, type NativeImage } from '../../../shared/pixels/pixel-format.ts';

export function rawPixel(image: NativeImage, x: number, y: number): number {
  const bpp = image.format.bitsPerPixel;
  const at = y * rowBytes(image.width, bpp);
  const p = image.pixels;
  if (bpp < 8) {
    const bit = x * bpp;
    return (p[at + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
  }
  const o = at + (x * bpp) / 8;
  let value = 0;
  for (let b = bpp / 8 - 1; b >= 0; b--) value = value * 256 + p[o + b]!;
  return value;
}

/** Byte-for-byte equality; vitest's deep equality is far too slow on megabyte buffers. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
