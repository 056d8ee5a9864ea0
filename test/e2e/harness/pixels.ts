/** Canvas pixels against the pixels the source BMP decodes to. */
import { decodeBmp } from '../../../shared/bmp/index.ts';
import type { CanvasPixels } from './app.ts';

export interface SourceImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Decodes with the project's own reader: the reference the receiver's canvas must match. */
export function decodeSource(bmp: Uint8Array): SourceImage {
  const image = decodeBmp(bmp);
  return { width: image.width, height: image.height, rgba: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
}

export interface PixelComparison {
  total: number;
  /** Pixels whose RGBA equals the source's. */
  equal: number;
  /** Pixels that differ from the source. */
  differing: number;
  /** The first differing pixel, to say where and how in a failure message. */
  firstDifference?: { x: number; y: number; canvas: number[]; source: number[] };
}

export function comparePixels(canvas: CanvasPixels, source: SourceImage): PixelComparison {
  if (canvas.width !== source.width || canvas.height !== source.height) {
    throw new Error(`canvas is ${canvas.width}×${canvas.height}, the source ${source.width}×${source.height}`);
  }
  const total = source.width * source.height;
  let differing = 0;
  let firstDifference: PixelComparison['firstDifference'];
  const a = canvas.rgba;
  const b = source.rgba;
  for (let p = 0, i = 0; p < total; p++, i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) {
      if (differing === 0) {
        firstDifference = { x: p % source.width, y: Math.floor(p / source.width), canvas: [...a.subarray(i, i + 4)], source: [...b.subarray(i, i + 4)] };
      }
      differing++;
    }
  }
  return { total, equal: total - differing, differing, ...(firstDifference ? { firstDifference } : {}) };
}
