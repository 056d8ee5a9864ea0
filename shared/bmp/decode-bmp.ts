/**
 * BMP bytes → RGBA for display: 8 bits per channel, straight alpha, rows top-down, in a
 * `Uint8ClampedArray` so that it drops into `ImageData`.
 *
 * The common uncompressed formats (24-bit, 8-bit and 32-bit with byte-aligned masks) are
 * converted straight from the file's rows, without an intermediate NativeImage, reading and
 * writing whole words through Int32Array views (bench/bmp-codec.bench.ts measures it against
 * the floor of filling an RGBA buffer). Everything else goes through {@link readPixels} and
 * {@link toRgba}.
 */
import { maskLayout } from '../pixels/channel-mask.ts';
import { LITTLE_ENDIAN } from '../pixels/little-endian.ts';
import type { ChannelMasks, RgbaImage } from '../pixels/pixel-format.ts';
import { paletteWords, toRgba } from '../pixels/to-rgba.ts';
import { BmpError, BmpErrorCode } from './errors.ts';
import { readHeader, type BmpHeader, type BmpReadOptions } from './headers.ts';
import { readPixels } from './read-bmp.ts';

export interface DecodeBmpOptions extends BmpReadOptions {
  /**
   * Write the pixels into this buffer (width × height × 4 bytes, e.g. an `ImageData`'s data that
   * is painted again and again) instead of a new one. Filling fresh memory costs as much as the
   * whole conversion of a 24-bit image (bench/bmp-codec.bench.ts), so reuse pays where it is
   * possible. Checked against the header before any pixel is written.
   */
  readonly into?: Uint8ClampedArray;
}

export interface DecodedBmp extends RgbaImage {
  readonly data: Uint8ClampedArray;
  /** True when an RLE stream was cut short; the pixels it never reached are transparent. */
  readonly partial: boolean;
}

/** Alpha 255 in the high byte, as an int32 so that words stay small integers in V8. */
const OPAQUE = 0xff000000 | 0;

/**
 * Decodes a BMP file to RGBA. Accepts any `Uint8Array` view (a Node `Buffer` included). Throws
 * {@link BmpError} for anything it cannot decode, and nothing else.
 */
export function decodeBmp(bytes: Uint8Array, options: DecodeBmpOptions = {}): DecodedBmp {
  const header = readHeader(bytes, options);
  const { width, height } = header;
  const { into } = options;
  if (into && into.length !== width * height * 4) {
    throw new BmpError(
      BmpErrorCode.BAD_OUTPUT,
      `the output buffer has ${into.length} bytes; ${width}×${height} RGBA needs ${width * height * 4}`,
    );
  }
  // The direct paths read and write little-endian words; other hosts take toRgba's DataView path.
  const convert = LITTLE_ENDIAN && header.storage === 'rows' ? directConverter(header) : null;
  if (convert) {
    // Words go straight into `into` when it is 4-byte aligned, which an ImageData's always is.
    const aligned = into && into.byteOffset % 4 === 0;
    const out = aligned ? new Int32Array(into.buffer, into.byteOffset, width * height) : new Int32Array(width * height);
    convert(bytes, out);
    if (into && !aligned) into.set(new Uint8ClampedArray(out.buffer));
    return { width, height, data: into ?? new Uint8ClampedArray(out.buffer), partial: false };
  }
  const { image, partial } = readPixels(bytes, header);
  const rgba = toRgba(image);
  if (into) into.set(rgba);
  return { width, height, data: into ?? new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), partial };
}

/**
 * A function writing RGBA words straight from the stored rows into its `out`, for the formats
 * that have a direct path; null for others.
 */
function directConverter(header: BmpHeader): ((bytes: Uint8Array, out: Int32Array) => void) | null {
  const { width, height, topDown, format, dataOffset } = header;
  const { padded, unpadded } = header.stride!;
  const rowAt = (y: number): number => dataOffset + (topDown ? y : height - 1 - y) * padded;
  if (format.kind === 'bgr') return (bytes, out) => bgrRows(bytes, width, height, unpadded, rowAt, out);
  if (format.kind === 'indexed' && format.bitsPerPixel === 8) {
    const palette = new Int32Array(paletteWords(format.palette, 8).buffer);
    return (bytes, out) => indexedRows(bytes, width, height, palette, rowAt, out);
  }
  if (format.kind !== 'masked' || header.bitsPerPixel !== 32) return null;
  const shifts = byteShifts(format.masks);
  if (!shifts) return null;
  const [r, g, b, a] = shifts;
  // An absent alpha channel is opaque: OR in 255 (the shift then reads a zero byte).
  const alphaFill = a < 0 ? OPAQUE : 0;
  const alphaShift = a < 0 ? 0 : a;
  const alphaMask = a < 0 ? 0 : 0xff;
  return (bytes, out) => {
    for (let y = 0, o = 0; y < height; y++) {
      for (let s = rowAt(y), end = o + width; o < end; o++, s += 4) {
        const word = bytes[s]! | (bytes[s + 1]! << 8) | (bytes[s + 2]! << 16) | (bytes[s + 3]! << 24);
        out[o] =
          ((word >>> r) & 0xff) |
          (((word >>> g) & 0xff) << 8) |
          (((word >>> b) & 0xff) << 16) |
          ((((word >>> alphaShift) & alphaMask) << 24) | alphaFill);
      }
    }
  };
}

/** Bit shift of each channel when every mask is a whole byte (alpha may be absent: -1); else null. */
function byteShifts(masks: ChannelMasks): [number, number, number, number] | null {
  const shifts = [masks.red, masks.green, masks.blue, masks.alpha].map((mask, channel) => {
    if (mask === 0) return channel === 3 ? -1 : null;
    const { shift, bits } = maskLayout(mask);
    return bits === 8 && shift % 8 === 0 ? shift : null;
  });
  return shifts.every((shift) => shift !== null) ? (shifts as [number, number, number, number]) : null;
}

/**
 * An Int32Array view over the words of `bytes` from the lowest stored row on, and the row
 * starts' `skew` past a 4-byte boundary (rows are padded to 4 bytes, so all rows share it; 2 for
 * the usual data offset of 54). With a skew, each aligned word of the row is joined from two
 * neighbours by shifts. The view ends inside `bytes`, so nothing outside it is read.
 */
function wordView(bytes: Uint8Array, height: number, rowAt: (y: number) => number): { words: Int32Array; skew: number; start: number } {
  // The lowest stored row: the first one if top-down, the last one if bottom-up.
  const firstRow = Math.min(rowAt(0), rowAt(height - 1));
  const skew = (bytes.byteOffset + firstRow) & 3;
  const start = bytes.byteOffset + firstRow - skew;
  // The view starts at or after bytes.byteOffset: rows start past the headers, more than 3 bytes in.
  const words = new Int32Array(bytes.buffer, start, (bytes.byteOffset + bytes.byteLength - start) >> 2);
  return { words, skew, start };
}

/** 8-bit rows → RGBA words through a palette of 256 words, four indices per word read. */
function indexedRows(
  bytes: Uint8Array,
  width: number,
  height: number,
  palette: Int32Array,
  rowAt: (y: number) => number,
  out: Int32Array,
): void {
  const { words, skew, start } = wordView(bytes, height, rowAt);
  const low = skew * 8;
  const high = 32 - low;
  const extraWord = skew === 0 ? 0 : 1;
  for (let y = 0, o = 0; y < height; y++) {
    const rowStart = rowAt(y);
    let k = (bytes.byteOffset + rowStart - start) >> 2;
    const groups = Math.max(0, Math.min(width >> 2, words.length - k - extraWord));
    if (skew === 0) {
      for (let g = 0; g < groups; g++, k++, o += 4) {
        const w = words[k]!;
        out[o] = palette[w & 0xff]!;
        out[o + 1] = palette[(w >>> 8) & 0xff]!;
        out[o + 2] = palette[(w >>> 16) & 0xff]!;
        out[o + 3] = palette[w >>> 24]!;
      }
    } else if (groups > 0) {
      let next = words[k]!;
      for (let g = 0; g < groups; g++, k++, o += 4) {
        const after = words[k + 1]!;
        const w = (next >>> low) | (after << high);
        next = after;
        out[o] = palette[w & 0xff]!;
        out[o + 1] = palette[(w >>> 8) & 0xff]!;
        out[o + 2] = palette[(w >>> 16) & 0xff]!;
        out[o + 3] = palette[w >>> 24]!;
      }
    }
    // The pixels after the last whole group, byte by byte.
    for (let s = rowStart + groups * 4, end = rowStart + width; s < end; s++, o++) out[o] = palette[bytes[s]!]!;
  }
}

/**
 * 24-bit rows → RGBA words, reading four pixels as three little-endian words:
 *
 *   w0 = B0 G0 R0 B1   w1 = G1 R1 B2 G2   w2 = R2 B3 G3 R3   (bytes, low first)
 *
 * through {@link wordView}; pixels whose words would reach past the end of `bytes` go byte by byte.
 */
function bgrRows(
  bytes: Uint8Array,
  width: number,
  height: number,
  unpadded: number,
  rowAt: (y: number) => number,
  out: Int32Array,
): void {
  const { words, skew, start: viewStart } = wordView(bytes, height, rowAt);
  const low = skew * 8;
  const high = 32 - low;
  // A skewed group also reads the word after its three.
  const extraWord = skew === 0 ? 0 : 1;
  for (let y = 0, o = 0; y < height; y++) {
    const rowStart = rowAt(y);
    const k0 = (bytes.byteOffset + rowStart - viewStart) >> 2;
    const groups = Math.max(0, Math.min(width >> 2, Math.floor((words.length - k0 - extraWord) / 3)));
    let k = k0;
    if (skew === 0) {
      for (let g = 0; g < groups; g++, k += 3, o += 4) {
        const w0 = words[k]!;
        const w1 = words[k + 1]!;
        const w2 = words[k + 2]!;
        out[o] = ((w0 >>> 16) & 0xff) | (w0 & 0xff00) | ((w0 & 0xff) << 16) | OPAQUE;
        out[o + 1] = ((w1 >>> 8) & 0xff) | ((w1 & 0xff) << 8) | ((w0 >>> 24) << 16) | OPAQUE;
        out[o + 2] = (w2 & 0xff) | ((w1 >>> 24) << 8) | (w1 & 0xff0000) | OPAQUE;
        out[o + 3] = (w2 >>> 24) | ((w2 >>> 8) & 0xff00) | ((w2 << 8) & 0xff0000) | OPAQUE;
      }
    } else if (groups > 0) {
      let next = words[k]!;
      for (let g = 0; g < groups; g++, k += 3, o += 4) {
        const a = words[k + 1]!;
        const b = words[k + 2]!;
        const c = words[k + 3]!;
        const w0 = (next >>> low) | (a << high);
        const w1 = (a >>> low) | (b << high);
        const w2 = (b >>> low) | (c << high);
        next = c;
        out[o] = ((w0 >>> 16) & 0xff) | (w0 & 0xff00) | ((w0 & 0xff) << 16) | OPAQUE;
        out[o + 1] = ((w1 >>> 8) & 0xff) | ((w1 & 0xff) << 8) | ((w0 >>> 24) << 16) | OPAQUE;
        out[o + 2] = (w2 & 0xff) | ((w1 >>> 24) << 8) | (w1 & 0xff0000) | OPAQUE;
        out[o + 3] = (w2 >>> 24) | ((w2 >>> 8) & 0xff00) | ((w2 << 8) & 0xff0000) | OPAQUE;
      }
    }
    // The pixels after the last whole group, byte by byte.
    for (let s = rowStart + groups * 12, end = rowStart + unpadded; s < end; s += 3, o++) {
      out[o] = bytes[s + 2]! | (bytes[s + 1]! << 8) | (bytes[s]! << 16) | OPAQUE;
    }
  }
}
