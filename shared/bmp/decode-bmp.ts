/**
 * BMP bytes → RGBA for display: 8 bits per channel, straight alpha, rows top-down, in a
 * `Uint8ClampedArray` so that it drops into `ImageData`.
 *
 * The common uncompressed formats (24-bit, 8-bit and 32-bit with byte-aligned masks) are
 * converted straight from the file's rows, without an intermediate NativeImage, writing whole
 * RGBA words through a Uint32Array view (bench/bmp-decode.bench.ts measures why). Everything
 * else goes through {@link readBmp} and {@link toRgba}.
 */
import { maskLayout } from '../pixels/channel-mask.ts';
import type { ChannelMasks, RgbaImage } from '../pixels/pixel-format.ts';
import { paletteWords, toRgba } from '../pixels/to-rgba.ts';
import { readHeader, type BmpHeader, type BmpReadOptions } from './headers.ts';
import { readBmp } from './read-bmp.ts';

export interface DecodedBmp extends RgbaImage {
  readonly data: Uint8ClampedArray;
  /** True when an RLE stream was cut short; the pixels it never reached are transparent. */
  readonly partial: boolean;
}

/**
 * Words written through a Uint32Array land in memory in the host's byte order; the fast paths
 * build little-endian words (red in the low byte), so they run only on little-endian hosts,
 * which is every host Pixeldrop runs on. Others take the DataView path in toRgba.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Alpha 255 in the high byte, as an int32 so that words stay small integers in V8. */
const OPAQUE = 0xff000000 | 0;

/**
 * Decodes a BMP file to RGBA. Accepts any `Uint8Array` view (a Node `Buffer` included). Throws
 * {@link BmpError} for anything it cannot decode, and nothing else.
 */
export function decodeBmp(bytes: Uint8Array, options?: BmpReadOptions): DecodedBmp {
  const header = readHeader(bytes, options);
  const { width, height } = header;
  if (LITTLE_ENDIAN && header.storage === 'rows') {
    const direct = directRows(bytes, header);
    if (direct) return { width, height, data: direct, partial: false };
  }
  const { image, partial } = readBmp(bytes, options);
  const rgba = toRgba(image);
  return { width, height, data: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), partial };
}

/** RGBA straight from the stored rows for the formats that have a direct path; null for others. */
function directRows(bytes: Uint8Array, header: BmpHeader): Uint8ClampedArray | null {
  const { width, height, topDown, format, dataOffset } = header;
  const { padded } = header.stride!;
  const rowAt = (y: number): number => dataOffset + (topDown ? y : height - 1 - y) * padded;
  if (format.kind === 'bgr') return clamped(bgrRows(bytes, width, height, header.stride!.unpadded, rowAt));
  if (format.kind === 'indexed' && format.bitsPerPixel === 8) {
    const palette = new Int32Array(paletteWords(format.palette, 8).buffer);
    const out = new Int32Array(width * height);
    for (let y = 0, o = 0; y < height; y++) {
      for (let s = rowAt(y), end = o + width; o < end; o++, s++) out[o] = palette[bytes[s]!]!;
    }
    return clamped(out);
  }
  if (format.kind === 'masked' && format.bitsPerPixel === 32 && header.bitsPerPixel === 32) {
    const shifts = byteShifts(format.masks);
    if (!shifts) return null;
    const [r, g, b, a] = shifts;
    // An absent alpha channel is opaque: OR in 255 (the shift then reads a zero byte).
    const alphaFill = a < 0 ? OPAQUE : 0;
    const alphaShift = a < 0 ? 0 : a;
    const alphaMask = a < 0 ? 0 : 0xff;
    const out = new Int32Array(width * height);
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
    return clamped(out);
  }
  return null;
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
 * 24-bit rows → RGBA words. Each row is first copied (a memcpy) into a scratch row at a 4-byte
 * aligned address, so that four pixels are read as three little-endian words, whatever the
 * file's data offset (54 in most files, which is not a multiple of 4):
 *
 *   w0 = B0 G0 R0 B1   w1 = G1 R1 B2 G2   w2 = R2 B3 G3 R3   (bytes, low first)
 */
function bgrRows(
  bytes: Uint8Array,
  width: number,
  height: number,
  unpadded: number,
  rowAt: (y: number) => number,
): Int32Array {
  const out = new Int32Array(width * height);
  const scratch = new Int32Array(Math.ceil(unpadded / 4));
  const scratchBytes = new Uint8Array(scratch.buffer);
  const groups = width >> 2;
  for (let y = 0, o = 0; y < height; y++) {
    const from = rowAt(y);
    scratchBytes.set(bytes.subarray(from, from + unpadded));
    for (let g = 0, k = 0; g < groups; g++, k += 3, o += 4) {
      const w0 = scratch[k]!;
      const w1 = scratch[k + 1]!;
      const w2 = scratch[k + 2]!;
      out[o] = ((w0 >>> 16) & 0xff) | (w0 & 0xff00) | ((w0 & 0xff) << 16) | OPAQUE;
      out[o + 1] = ((w1 >>> 8) & 0xff) | ((w1 & 0xff) << 8) | ((w0 >>> 24) << 16) | OPAQUE;
      out[o + 2] = (w2 & 0xff) | ((w1 >>> 24) << 8) | (w1 & 0xff0000) | OPAQUE;
      out[o + 3] = (w2 >>> 24) | ((w2 >>> 8) & 0xff00) | ((w2 << 8) & 0xff0000) | OPAQUE;
    }
    // The last width mod 4 pixels, byte by byte.
    for (let s = groups * 12; s < unpadded; s += 3, o++) {
      out[o] = scratchBytes[s + 2]! | (scratchBytes[s + 1]! << 8) | (scratchBytes[s]! << 16) | OPAQUE;
    }
  }
  return out;
}

function clamped(words: Int32Array): Uint8ClampedArray {
  return new Uint8ClampedArray(words.buffer, words.byteOffset, words.byteLength);
}
