/** Canvas pixels against the pixels the source BMP decodes to. */
import { decodeBmp } from '../../../shared/bmp/index.ts';
import { sampleScreenRect, shownHeight } from '../../../shared/pixels/nearest-sample.ts';
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

/**
 * Compares pixel for pixel. A canvas narrower than the source is the picture as the app draws an
 * image wider than its place on screen: each canvas pixel the source pixel under its centre
 * (shared/pixels/nearest-sample.ts), and `firstDifference` is then in canvas pixels.
 */
export function comparePixels(canvas: CanvasPixels, source: SourceImage): PixelComparison {
  const sampled = canvas.width < source.width;
  if (sampled ? canvas.height !== shownHeight(source.width, source.height, canvas.width) : canvas.width !== source.width || canvas.height !== source.height) {
    throw new Error(`canvas is ${canvas.width}×${canvas.height}, the source ${source.width}×${source.height}`);
  }
  const b = sampled ? sampledSource(source, canvas.width, canvas.height) : source.rgba;
  const total = canvas.width * canvas.height;
  let differing = 0;
  let firstDifference: PixelComparison['firstDifference'];
  const a = canvas.rgba;
  for (let p = 0, i = 0; p < total; p++, i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) {
      if (differing === 0) {
        firstDifference = { x: p % canvas.width, y: Math.floor(p / canvas.width), canvas: [...a.subarray(i, i + 4)], source: [...b.subarray(i, i + 4)] };
      }
      differing++;
    }
  }
  return { total, equal: total - differing, differing, ...(firstDifference ? { firstDifference } : {}) };
}

function sampledSource(source: SourceImage, width: number, height: number): Uint8Array {
  const words = new Uint32Array(source.rgba.buffer.slice(source.rgba.byteOffset, source.rgba.byteOffset + source.rgba.byteLength));
  const sampled = sampleScreenRect(words, source, { width, height }, { x0: 0, x1: width, y0: 0, y1: height });
  return new Uint8Array(sampled.buffer);
}
