/**
 * Photo BMPs for the browser tests and the benchmark, made at run time from the PNGs in
 * test/fixtures/photos with the project's own encoder.
 */
import { readFileSync } from 'node:fs';
import { decode as decodePng } from 'fast-png';
import { encodeBmp, type NativeImage } from '../../../shared/bmp/index.ts';
import { PHOTOS_DIR } from '../../fixtures/paths.ts';

export type PhotoName = 'coffee' | 'astronaut';

interface Rgb {
  width: number;
  height: number;
  /** 3 bytes per pixel, rows top-down. */
  data: Uint8Array;
}

function loadPhoto(name: PhotoName): Rgb {
  const png = decodePng(readFileSync(`${PHOTOS_DIR}${name}.png`));
  // Both photos are 8-bit RGB (their README); anything else would need converting first.
  if (png.channels !== 3 || png.depth !== 8) throw new Error(`${name}.png: expected 8-bit RGB, got ${png.channels} channels at ${png.depth} bits`);
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

/**
 * The photo scaled to cover `width`×`height` (bilinear, centre crop) as a 24-bit image: a natural
 * picture at the size a benchmark needs, rather than noise or flat colour.
 */
function scaledPhoto(name: PhotoName, width: number, height: number): NativeImage {
  const src = loadPhoto(name);
  const scale = Math.max(width / src.width, height / src.height);
  const offsetX = (src.width - width / scale) / 2;
  const offsetY = (src.height - height / scale) / 2;
  const pixels = new Uint8Array(width * height * 3);
  let out = 0;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max(offsetY + (y + 0.5) / scale - 0.5, 0), src.height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, src.height - 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.max(offsetX + (x + 0.5) / scale - 0.5, 0), src.width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, src.width - 1);
      const fx = sx - x0;
      // NativeImage 'bgr' stores blue, green, red; the PNG gives red, green, blue.
      for (let c = 2; c >= 0; c--) {
        const top = src.data[(y0 * src.width + x0) * 3 + c]! * (1 - fx) + src.data[(y0 * src.width + x1) * 3 + c]! * fx;
        const bottom = src.data[(y1 * src.width + x0) * 3 + c]! * (1 - fx) + src.data[(y1 * src.width + x1) * 3 + c]! * fx;
        pixels[out++] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { width, height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
}

/** A 24-bit BMP file of the photo at `width`×`height`. */
export function photoBmp(name: PhotoName, width: number, height: number): Uint8Array {
  return encodeBmp(scaledPhoto(name, width, height));
}

/**
 * The photo at its own resolution, mirrored tile by tile (so no seam is an edge) to cover
 * `width`×`height`, as a 24-bit BMP file: a picture with the pixel-level detail of a camera's
 * full-HD photo, which {@link photoBmp}'s scaling up smooths away. Coded packets are about 1.7×
 * smaller for it, against about 2.5× for the scaled one.
 */
export function tiledPhotoBmp(name: PhotoName, width: number, height: number): Uint8Array {
  const src = loadPhoto(name);
  const pixels = new Uint8Array(width * height * 3);
  const mirror = (i: number, n: number): number => (Math.floor(i / n) % 2 === 0 ? i % n : n - 1 - (i % n));
  let out = 0;
  for (let y = 0; y < height; y++) {
    const row = mirror(y, src.height) * src.width;
    for (let x = 0; x < width; x++) {
      const at = (row + mirror(x, src.width)) * 3;
      pixels[out++] = src.data[at + 2]!;
      pixels[out++] = src.data[at + 1]!;
      pixels[out++] = src.data[at]!;
    }
  }
  return encodeBmp({ width, height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels });
}
