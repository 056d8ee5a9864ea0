/**
 * BI_RLE8, BI_RLE4 (MS-BMP, "Bitmap Compression") and OS/2 RLE24 decoding. The stream is a
 * sequence of two-byte commands, bottom row first:
 *
 *   n, v   (n > 0)  encoded mode: n pixels of v (RLE4: the two nibbles of v alternate;
 *                   RLE24: v is followed by two more bytes, the pixel is B, G, R)
 *   0, 0            end of line
 *   0, 1            end of bitmap
 *   0, 2, dx, dy    delta: move right dx and up dy
 *   0, n   (n ≥ 3)  absolute mode: n literal pixels follow, padded to a 16-bit boundary
 *
 * Pixels the stream never sets (skipped by a delta, an early end of line or end of bitmap) are
 * transparent, as the issue asks (BMP Suite's pal8rletrns.png rendering: "some viewers make
 * undefined pixels transparent").
 * BMP palettes have no alpha, so the transparency needs a place in the native format:
 *
 *   an index no pixel uses           → that palette entry becomes RGBA 0, 0, 0, 0
 *   RLE4 using all 16 indices        → 8-bit indices, entry 16 transparent
 *   RLE8 using all 256, or RLE24     → 32-bit ARGB words
 *
 * A stream that ends without an end-of-bitmap marker before the top row is done (a cut file)
 * gives the rows it has, the rest unset, and is flagged `partial`: the rows that arrived are
 * real pixels worth showing, and the flag keeps the cut from passing unnoticed. Commands that
 * would write outside the image are refused: no reader can know what they meant.
 */
import { MASKS_ARGB32, rowBytes, type NativeImage, type PixelFormat } from '../pixels/pixel-format.ts';
import { BmpError, BmpErrorCode } from './errors.ts';

const Escape = { END_OF_LINE: 0, END_OF_BITMAP: 1, DELTA: 2 } as const;

export interface RleResult {
  readonly format: PixelFormat;
  readonly pixels: Uint8Array;
  /** True when the stream ended before its end-of-bitmap marker with rows still to go. */
  readonly partial: boolean;
}

/**
 * Expands the RLE stream in `data` (the file from the pixel data offset on; `dataOffset` only
 * names positions in error messages). `palette` is the file's (RGBA); null for RLE24.
 */
export function expandRle(
  data: Uint8Array,
  dataOffset: number,
  width: number,
  height: number,
  bitsPerPixel: 4 | 8 | 24,
  palette: Uint8Array | null,
): RleResult {
  const count = width * height;
  const bytesPerValue = bitsPerPixel === 24 ? 3 : 1;
  // One value per pixel, top-down: a palette index, or for RLE24 three bytes B, G, R.
  const values = new Uint8Array(count * bytesPerValue);
  const written = new Uint8Array(count);
  const used = new Uint8Array(256);
  let writtenCount = 0;
  let x = 0;
  let y = 0; // counts rows from the bottom, as the stream does
  let i = 0;
  let ended = false;

  const bad = (what: string): never => {
    throw new BmpError(BmpErrorCode.BAD_RLE, `RLE ${what} (x ${x}, row ${y} from the bottom)`, dataOffset + i);
  };
  /** Start of the run's first pixel; checks the whole run lies inside the current row. */
  const runStart = (run: number): number => {
    if (y >= height) bad('pixels above the top row');
    if (x + run > width) bad(`run of ${run} pixels past the right edge of a ${width}-pixel row`);
    const at = (height - 1 - y) * width + x;
    written.fill(1, at, at + run);
    writtenCount += run;
    x += run;
    return at;
  };

  for (;;) {
    if (i + 2 > data.byteLength) break;
    const first = data[i]!;
    const second = data[i + 1]!;
    if (first > 0) {
      if (i + 1 + bytesPerValue > data.byteLength) break;
      const at = runStart(first);
      if (bitsPerPixel === 8) {
        values.fill(second, at, at + first);
        used[second] = 1;
      } else if (bitsPerPixel === 4) {
        const high = second >> 4;
        const low = second & 0x0f;
        for (let k = 0; k < first; k++) values[at + k] = k & 1 ? low : high;
        used[high] = 1;
        if (first > 1) used[low] = 1;
      } else {
        const b = second;
        const g = data[i + 2]!;
        const r = data[i + 3]!;
        for (let k = at * 3, end = (at + first) * 3; k < end; k += 3) {
          values[k] = b;
          values[k + 1] = g;
          values[k + 2] = r;
        }
      }
      i += 1 + bytesPerValue;
    } else if (second === Escape.END_OF_LINE) {
      i += 2;
      x = 0;
      y++;
    } else if (second === Escape.END_OF_BITMAP) {
      i += 2;
      ended = true;
      break;
    } else if (second === Escape.DELTA) {
      if (i + 4 > data.byteLength) break;
      const dx = data[i + 2]!;
      const dy = data[i + 3]!;
      if (x + dx > width || y + dy > height) bad(`delta (${dx}, ${dy}) that moves outside the image`);
      i += 4;
      x += dx;
      y += dy;
    } else {
      const literalBytes = bitsPerPixel === 4 ? Math.ceil(second / 2) : second * bytesPerValue;
      const paddedBytes = literalBytes + (literalBytes & 1);
      if (i + 2 + paddedBytes > data.byteLength) break;
      const from = i + 2;
      const at = runStart(second);
      if (bitsPerPixel === 8) {
        for (let k = 0; k < second; k++) used[(values[at + k] = data[from + k]!)] = 1;
      } else if (bitsPerPixel === 4) {
        for (let k = 0; k < second; k++) {
          const byte = data[from + (k >> 1)]!;
          used[(values[at + k] = k & 1 ? byte & 0x0f : byte >> 4)] = 1;
        }
      } else {
        values.set(data.subarray(from, from + literalBytes), at * 3);
      }
      i = from + paddedBytes;
    }
  }

  const partial = !ended && y < height && writtenCount < count;
  if (bitsPerPixel === 24) {
    return writtenCount === count
      ? { format: { kind: 'bgr', bitsPerPixel: 24 }, pixels: values, partial }
      : { format: ARGB, pixels: bgrToArgb(values, written), partial };
  }
  const base = palette!;
  if (writtenCount === count) {
    return { format: { kind: 'indexed', bitsPerPixel, palette: base }, pixels: pack(values, width, height, bitsPerPixel), partial };
  }
  const transparent = freeIndex(used, 2 ** bitsPerPixel, base.length / 4);
  if (transparent !== -1 || bitsPerPixel === 4) {
    // With all 16 RLE4 indices in use, 8-bit indices have room: entry 16 is the transparent one.
    const index = transparent !== -1 ? transparent : 16;
    const depth = transparent !== -1 ? bitsPerPixel : 8;
    for (let p = 0; p < count; p++) if (!written[p]) values[p] = index;
    return {
      format: { kind: 'indexed', bitsPerPixel: depth, palette: withTransparentEntry(base, index) },
      pixels: pack(values, width, height, depth),
      partial,
    };
  }
  return { format: ARGB, pixels: indexedToArgb(values, written, base), partial };
}

const ARGB: PixelFormat = { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 };

/** An index no pixel uses, preferring one past the palette's end (so no entry is displaced); -1 if none. */
function freeIndex(used: Uint8Array, indices: number, entries: number): number {
  for (let index = entries; index < indices; index++) if (!used[index]) return index;
  for (let index = 0; index < Math.min(entries, indices); index++) if (!used[index]) return index;
  return -1;
}

/**
 * The palette with entry `index` transparent. Entries added between the old end and `index`
 * are opaque black, which is how indices past a palette's end display (pixel-format.ts).
 */
function withTransparentEntry(palette: Uint8Array, index: number): Uint8Array {
  const out = new Uint8Array(Math.max(palette.length, (index + 1) * 4));
  for (let at = palette.length + 3; at < out.length; at += 4) out[at] = 255;
  out.set(palette);
  out.fill(0, index * 4, index * 4 + 4);
  return out;
}

/** One index per pixel → rows of `bitsPerPixel`-bit indices packed most significant bits first. */
function pack(values: Uint8Array, width: number, height: number, bitsPerPixel: 4 | 8): Uint8Array {
  if (bitsPerPixel === 8) return values;
  const stride = rowBytes(width, 4);
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0, from = y * width, to = y * stride; x < width; x += 2, from += 2, to++) {
      out[to] = (values[from]! << 4) | (x + 1 < width ? values[from + 1]! : 0);
    }
  }
  return out;
}

/** ARGB words stored little-endian are the bytes B, G, R, A; unset pixels are 0, 0, 0, 0. */
function bgrToArgb(bgr: Uint8Array, written: Uint8Array): Uint8Array {
  const out = new Uint8Array(written.length * 4);
  for (let p = 0; p < written.length; p++) {
    if (!written[p]) continue;
    out[p * 4] = bgr[p * 3]!;
    out[p * 4 + 1] = bgr[p * 3 + 1]!;
    out[p * 4 + 2] = bgr[p * 3 + 2]!;
    out[p * 4 + 3] = 255;
  }
  return out;
}

function indexedToArgb(indices: Uint8Array, written: Uint8Array, palette: Uint8Array): Uint8Array {
  const entries = palette.length / 4;
  const out = new Uint8Array(indices.length * 4);
  for (let p = 0; p < indices.length; p++) {
    if (!written[p]) continue;
    const index = indices[p]!;
    // Past the palette's end is opaque black (pixel-format.ts).
    if (index < entries) {
      out[p * 4] = palette[index * 4 + 2]!;
      out[p * 4 + 1] = palette[index * 4 + 1]!;
      out[p * 4 + 2] = palette[index * 4]!;
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}
