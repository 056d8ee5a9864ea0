/**
 * Raw pixel value → RGBA word for the receiver's display buffer, built once per transfer from
 * the pixel module's mapper. Tables turn the per-pixel call into an array read for every format
 * with at most 16 bits per pixel; 24-bit BGR is converted inline by the placer.
 */
import { createRgbaMapper } from '../pixels/to-rgba.ts';
import type { PixelFormat } from '../pixels/pixel-format.ts';

export interface RgbaLookup {
  /** RGBA word (little-endian r, g, b, a) for each raw value, or null when `map` must be called. */
  readonly table: Uint32Array | null;
  readonly map: (raw: number) => number;
}

export function createRgbaLookup(format: PixelFormat): RgbaLookup {
  const map = createRgbaMapper(format);
  if (format.bitsPerPixel > 16) return { table: null, map };
  const table = new Uint32Array(2 ** format.bitsPerPixel);
  for (let raw = 0; raw < table.length; raw++) table[raw] = map(raw);
  return { table, map };
}
