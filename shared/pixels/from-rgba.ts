/**
 * RGBA bytes (4 per pixel, rows top-down, as a canvas gives them) → a lossless
 * {@link NativeImage}: {@link fromRgba} picks 24-bit BGR when every pixel is opaque and 32-bit
 * ARGB words otherwise (what the app sends for a PNG or JPEG); {@link rgbaToIndexed} builds a
 * palette image when the colours fit.
 */
import { BmpError, BmpErrorCode } from '../bmp/errors.ts';
import { MASKS_ARGB32, rowBytes, type NativeImage } from './pixel-format.ts';

type Rgba = Uint8Array | Uint8ClampedArray;

/** Throws unless `rgba` holds exactly width × height pixels. */
export function checkRgba(width: number, height: number, rgba: Rgba): void {
  const count = width * height;
  if (!Number.isSafeInteger(count) || !Number.isInteger(width) || width <= 0 || height <= 0 || rgba.byteLength !== count * 4) {
    throw new BmpError(BmpErrorCode.INVALID_IMAGE, `${width}×${height} RGBA needs ${count * 4} bytes, got ${rgba.byteLength}`);
  }
}

export function isOpaque(rgba: Rgba): boolean {
  for (let o = 3; o < rgba.length; o += 4) if (rgba[o] !== 255) return false;
  return true;
}

export function fromRgba(width: number, height: number, rgba: Rgba): NativeImage {
  checkRgba(width, height, rgba);
  return isOpaque(rgba) ? rgbaToBgr(width, height, rgba) : rgbaToArgb(width, height, rgba);
}

/** 24-bit BGR; alpha is dropped, so callers check {@link isOpaque} first. */
export function rgbaToBgr(width: number, height: number, rgba: Rgba): NativeImage {
  const count = width * height;
  const pixels = new Uint8Array(count * 3);
  for (let i = 0, o = 0; i < pixels.length; i += 3, o += 4) {
    pixels[i] = rgba[o + 2]!;
    pixels[i + 1] = rgba[o + 1]!;
    pixels[i + 2] = rgba[o]!;
  }
  return { width, height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
}

/** 32-bit ARGB words; stored little-endian they are the bytes B, G, R, A. */
export function rgbaToArgb(width: number, height: number, rgba: Rgba): NativeImage {
  const pixels = new Uint8Array(width * height * 4);
  for (let o = 0; o < pixels.length; o += 4) {
    pixels[o] = rgba[o + 2]!;
    pixels[o + 1] = rgba[o + 1]!;
    pixels[o + 2] = rgba[o]!;
    pixels[o + 3] = rgba[o + 3]!;
  }
  return { width, height, format: { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 }, pixels };
}

/** The distinct RGBA words of an image, in order of first appearance; null once there are more than `limit`. */
export function distinctColours(rgba: Rgba, limit: number): number[] | null {
  const seen = new Set<number>();
  for (let o = 0; o < rgba.length; o += 4) {
    seen.add((rgba[o]! | (rgba[o + 1]! << 8) | (rgba[o + 2]! << 16) | (rgba[o + 3]! << 24)) >>> 0);
    if (seen.size > limit) return null;
  }
  return [...seen];
}

/**
 * Palette image of `bitsPerPixel` bits holding `colours` (from {@link distinctColours}, at most
 * 2^bitsPerPixel of them) exactly; indices packed most significant bits first.
 */
export function rgbaToIndexed(
  width: number,
  height: number,
  rgba: Rgba,
  colours: readonly number[],
  bitsPerPixel: 1 | 2 | 4 | 8,
): NativeImage {
  const palette = new Uint8Array(colours.length * 4);
  const indexOf = new Map<number, number>();
  colours.forEach((word, index) => {
    indexOf.set(word, index);
    palette.set([word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24], index * 4);
  });
  const stride = rowBytes(width, bitsPerPixel);
  const pixels = new Uint8Array(stride * height);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 4) {
      const word = (rgba[o]! | (rgba[o + 1]! << 8) | (rgba[o + 2]! << 16) | (rgba[o + 3]! << 24)) >>> 0;
      const bit = x * bitsPerPixel;
      pixels[y * stride + (bit >> 3)]! |= indexOf.get(word)! << (8 - bitsPerPixel - (bit & 7));
    }
  }
  return { width, height, format: { kind: 'indexed', bitsPerPixel, palette }, pixels };
}
