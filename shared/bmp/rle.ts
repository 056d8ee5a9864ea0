/**
 * BI_RLE8 and BI_RLE4 decoding (MS-BMP, "Bitmap Compression"). The stream is a sequence of
 * two-byte commands, bottom row first:
 *
 *   n, v   (n > 0)  encoded mode: n pixels of v (RLE4: the two nibbles of v alternate)
 *   0, 0            end of line
 *   0, 1            end of bitmap
 *   0, 2, dx, dy    delta: move right dx and up dy
 *   0, n   (n ≥ 3)  absolute mode: n literal pixels follow, padded to a 16-bit boundary
 *
 * Pixels never written (skipped by a delta, an early end of line or end of bitmap) are left at
 * palette index 0, one of the renderings BMP Suite accepts (pal8rletrns-0.png).
 */
import { rowBytes } from '../pixels/pixel-format.ts';
import { BmpError, BmpErrorCode } from './errors.ts';

const Escape = { END_OF_LINE: 0, END_OF_BITMAP: 1, DELTA: 2 } as const;

/** Decodes RLE data into top-down, unpadded rows of `bitsPerPixel`-bit palette indices. */
export function decodeRle(data: Uint8Array, width: number, height: number, bitsPerPixel: 4 | 8): Uint8Array {
  const stride = rowBytes(width, bitsPerPixel);
  const out = new Uint8Array(stride * height);
  let x = 0;
  let y = 0; // counts rows from the bottom, as the stream does
  let i = 0;

  const bad = (what: string): never => {
    throw new BmpError(BmpErrorCode.BAD_RLE, `${what} at byte ${i} of the RLE data (x ${x}, row ${y} from the bottom)`);
  };
  const needBytes = (count: number): void => {
    if (i + count > data.byteLength) {
      throw new BmpError(BmpErrorCode.TRUNCATED, `RLE data ends at byte ${data.byteLength} without an end-of-bitmap marker`);
    }
  };
  const checkRun = (count: number): number => {
    if (y >= height) bad('pixels above the top row');
    if (x + count > width) bad(`a run of ${count} pixels past the right edge of a ${width}-pixel row`);
    return (height - 1 - y) * stride;
  };
  const put4 = (rowStart: number, col: number, index: number): void => {
    const at = rowStart + (col >> 1);
    out[at] = col & 1 ? (out[at]! & 0xf0) | index : (out[at]! & 0x0f) | (index << 4);
  };

  for (;;) {
    needBytes(2);
    const count = data[i]!;
    const value = data[i + 1]!;
    i += 2;
    if (count > 0) {
      const rowStart = checkRun(count);
      if (bitsPerPixel === 8) {
        out.fill(value, rowStart + x, rowStart + x + count);
      } else {
        for (let k = 0; k < count; k++) put4(rowStart, x + k, k & 1 ? value & 0x0f : value >> 4);
      }
      x += count;
    } else if (value === Escape.END_OF_LINE) {
      x = 0;
      y++;
    } else if (value === Escape.END_OF_BITMAP) {
      return out;
    } else if (value === Escape.DELTA) {
      needBytes(2);
      x += data[i]!;
      y += data[i + 1]!;
      i += 2;
      if (x > width || y > height) bad('a delta that moves outside the image');
    } else {
      const literalBytes = bitsPerPixel === 8 ? value : Math.ceil(value / 2);
      const paddedBytes = literalBytes + (literalBytes & 1);
      needBytes(paddedBytes);
      const rowStart = checkRun(value);
      if (bitsPerPixel === 8) {
        out.set(data.subarray(i, i + value), rowStart + x);
      } else {
        for (let k = 0; k < value; k++) {
          const byte = data[i + (k >> 1)]!;
          put4(rowStart, x + k, k & 1 ? byte & 0x0f : byte >> 4);
        }
      }
      x += value;
      i += paddedBytes;
    }
  }
}
