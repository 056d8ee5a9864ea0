/**
 * Test helper: reads a reference PNG (BMP Suite's `html/*.png`) into 8-bit RGBA, whatever its
 * colour type and depth, so that decoded BMPs can be compared with it pixel by pixel.
 */
import { readFileSync } from 'node:fs';
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
  /** True when the PNG has an alpha channel, a palette with transparency, or a transparent colour key. */
  readonly hasAlpha: boolean;
}

export function readPngAsRgba(path: string): RgbaImage {
  const png = decodePng(readFileSync(path));
  const { width, height, depth } = png;
  const count = width * height;
  const rgba = new Uint8Array(count * 4);
  if (png.palette) {
    const entrySize = png.palette[0]!.length;
    const rgb = convertIndexedToRgb(png);
    for (let p = 0; p < count; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = rgb[p * entrySize + c]!;
      rgba[p * 4 + 3] = entrySize === 4 ? rgb[p * entrySize + 3]! : 255;
    }
    return { width, height, rgba, hasAlpha: entrySize === 4 };
  }
  const channels = png.channels;
  const max = 2 ** depth - 1;
  const rowSamples = width * channels;
  const rowBytes = Math.ceil((rowSamples * depth) / 8);
  const sample = (row: number, index: number): number => {
    if (depth === 16) return png.data[row * rowSamples + index]!;
    if (depth === 8) return png.data[row * rowBytes + index]!;
    // Sub-byte samples are packed most significant bits first within each row.
    const bit = index * depth;
    const byte = png.data[row * rowBytes + (bit >> 3)]!;
    return (byte >> (8 - depth - (bit & 7))) & max;
  };
  const to8 = (v: number): number => Math.round((v * 255) / max);
  // A tRNS chunk on a grey or RGB image names one colour, in raw samples, that is transparent.
  const key = channels === 1 || channels === 3 ? png.transparency : undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const raw = (c: number): number => sample(y, x * channels + c);
      const s = (c: number): number => to8(raw(c));
      const keyed = key !== undefined && [...key].every((value, c) => raw(c) === value);
      if (channels <= 2) {
        rgba[o] = rgba[o + 1] = rgba[o + 2] = s(0);
        rgba[o + 3] = channels === 2 ? s(1) : 255;
      } else {
        rgba[o] = s(0);
        rgba[o + 1] = s(1);
        rgba[o + 2] = s(2);
        rgba[o + 3] = channels === 4 ? s(3) : 255;
      }
      if (keyed) rgba[o + 3] = 0;
    }
  }
  return { width, height, rgba, hasAlpha: channels === 2 || channels === 4 || key !== undefined };
}

/**
 * Counts pixels of `actual` that differ from `expected` by more than `tolerance` in any
 * channel. Without alpha in the reference only RGB is compared (BMP Suite: "compare RGB only");
 * with alpha, two fully transparent pixels are equal whatever their colour.
 */
export function countMismatches(expected: RgbaImage, actual: Uint8Array | Uint8ClampedArray, tolerance: number): number {
  let mismatches = 0;
  for (let o = 0; o < expected.rgba.length; o += 4) {
    if (expected.hasAlpha && expected.rgba[o + 3] === 0 && actual[o + 3] === 0) continue;
    const channels = expected.hasAlpha ? 4 : 3;
    for (let c = 0; c < channels; c++) {
      if (Math.abs(expected.rgba[o + c]! - actual[o + c]!) > tolerance) {
        mismatches++;
        break;
      }
    }
  }
  return mismatches;
}
