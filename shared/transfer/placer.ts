/**
 * Receiver side: puts a packet's pixels into the native buffer and the picture's RGBA words in
 * one go, wherever in the image they belong, and tells the picture which span of it changed.
 * Rows order is a bulk copy plus one tight conversion loop; other orders go pixel by pixel
 * through the scan order's positions.
 */
import type { PictureWriter } from '../picture/index.ts';
import type { PixelFormat } from '../pixels/pixel-format.ts';
import type { PacketGeometry } from './packet-geometry.ts';
import { createRgbaLookup, type RgbaLookup } from './rgba-lookup.ts';

export class PacketPlacer {
  private readonly positions: Uint32Array;
  private readonly lookup: RgbaLookup;
  /** The native buffer as aligned words, for BGR images (see bgrRunToRgba). */
  private readonly nativeWords: Uint32Array | null;
  /** The picture's RGBA words; null when there is no picture to keep. */
  private readonly rgba: Uint32Array | null;

  constructor(
    private readonly geometry: PacketGeometry,
    format: PixelFormat,
    private readonly native: Uint8Array,
    private readonly picture: PictureWriter | null,
  ) {
    this.rgba = picture?.words ?? null;
    this.positions = new Uint32Array(geometry.pixelsPerPacket);
    this.lookup = createRgbaLookup(format);
    this.nativeWords =
      format.kind === 'bgr' && native.byteOffset % 4 === 0
        ? new Uint32Array(native.buffer, native.byteOffset, Math.floor(native.length / 4))
        : null;
  }

  /** Raster indices of the packet's pixels, in send order; valid until the next call. */
  positionsOf(sequence: number): Uint32Array {
    const g = this.geometry;
    const count = g.pixelsIn(sequence);
    g.order.fill(g.firstPixel(sequence), count, this.positions);
    return this.positions.subarray(0, count);
  }

  /** `payload` must be exactly `geometry.payloadLength(sequence)` bytes; the receiver checks that. */
  place(sequence: number, payload: Uint8Array): void {
    const g = this.geometry;
    if (g.bulk) {
      this.native.set(payload, g.bulkOffset(sequence));
      if (this.rgba && this.nativeWords) {
        bgrRunToRgba(this.native, this.nativeWords, g.pixelsIn(sequence), this.rgba, g.firstPixel(sequence));
      } else if (this.rgba) {
        this.paint(payload, this.positionsOf(sequence));
      }
      this.markChanged(sequence, null);
      return;
    }
    const positions = this.positionsOf(sequence);
    if (this.rgba && g.bitsPerPixel === 24) {
      bgrScatter(payload, positions, this.native, this.rgba);
    } else {
      scatter(payload, g, positions, this.native);
      if (this.rgba) this.paint(payload, positions);
    }
    this.markChanged(sequence, positions);
  }

  /** One byte per pixel, raster order: 1 where the pixel belongs to a sequence whose `arrived` byte is 0. */
  missingPixelMask(arrived: Uint8Array): Uint8Array {
    const g = this.geometry;
    const mask = new Uint8Array(g.pixelCount);
    for (let s = 0; s < arrived.length; s++) {
      if (arrived[s]) continue;
      if (g.order.isRaster) {
        const first = g.firstPixel(s);
        mask.fill(1, first, first + g.pixelsIn(s));
      } else {
        for (const p of this.positionsOf(s)) mask[p] = 1;
      }
    }
    return mask;
  }

  /** Tells the picture the span the packet's pixels cover: its send-order range in raster order, else its positions' extent. */
  private markChanged(sequence: number, placed: Uint32Array | null): void {
    if (!this.picture) return;
    const g = this.geometry;
    if (placed === null || g.order.isRaster) {
      const first = g.firstPixel(sequence);
      this.picture.changed(first, first + g.pixelsIn(sequence) - 1);
      return;
    }
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < placed.length; i++) {
      const p = placed[i]!;
      if (p < low) low = p;
      if (p > high) high = p;
    }
    this.picture.changed(low, high);
  }

  private paint(payload: Uint8Array, positions: Uint32Array): void {
    const rgba = this.rgba!;
    const bpp = this.geometry.bitsPerPixel;
    const count = positions.length;
    const { table, map } = this.lookup;
    if (bpp === 24) {
      for (let i = 0, o = 0; i < count; i++, o += 3) {
        rgba[positions[i]!] = payload[o + 2]! | (payload[o + 1]! << 8) | (payload[o]! << 16) | 0xff000000;
      }
    } else if (bpp === 32) {
      for (let i = 0, o = 0; i < count; i++, o += 4) {
        rgba[positions[i]!] = map(payload[o]! | (payload[o + 1]! << 8) | (payload[o + 2]! << 16) | (payload[o + 3]! << 24));
      }
    } else if (bpp === 16) {
      for (let i = 0, o = 0; i < count; i++, o += 2) rgba[positions[i]!] = table![payload[o]! | (payload[o + 1]! << 8)]!;
    } else if (bpp === 8) {
      for (let i = 0; i < count; i++) rgba[positions[i]!] = table![payload[i]!]!;
    } else {
      const mask = (1 << bpp) - 1;
      for (let i = 0; i < count; i++) {
        const bit = i * bpp;
        rgba[positions[i]!] = table![(payload[bit >> 3]! >> (8 - bpp - (bit & 7))) & mask]!;
      }
    }
  }
}

/**
 * Converts native BGR pixels [first, first + count) to RGBA. Four pixels are three aligned 32-bit
 * words (b0 g0 r0 b1 | g1 r1 b2 g2 | r2 b3 g3 r3), so the bulk of the run takes three loads per
 * four pixels instead of twelve; the unaligned head and the tail go byte by byte.
 */
function bgrRunToRgba(native: Uint8Array, words: Uint32Array, count: number, rgba: Uint32Array, first: number): void {
  let p = first;
  const end = first + count;
  // Advance to a pixel whose byte offset is a multiple of 12: 3-byte pixel and 4-byte word boundary at once.
  while (p < end && p % 4 !== 0) p = bgrPixel(native, rgba, p);
  for (let w = (p * 3) / 4; p + 4 <= end; p += 4, w += 3) {
    const w0 = words[w]!;
    const w1 = words[w + 1]!;
    const w2 = words[w + 2]!;
    rgba[p] = ((w0 >>> 16) & 0xff) | (w0 & 0xff00) | ((w0 & 0xff) << 16) | 0xff000000;
    rgba[p + 1] = ((w1 >>> 8) & 0xff) | ((w1 << 8) & 0xff00) | (w0 & 0xff000000) >>> 8 | 0xff000000;
    rgba[p + 2] = (w2 & 0xff) | ((w1 >>> 16) & 0xff00) | ((w1 >>> 16) & 0xff) << 16 | 0xff000000;
    rgba[p + 3] = (w2 >>> 24) | ((w2 >>> 8) & 0xff00) | ((w2 & 0xff00) << 8) | 0xff000000;
  }
  while (p < end) p = bgrPixel(native, rgba, p);
}

function bgrPixel(native: Uint8Array, rgba: Uint32Array, p: number): number {
  const o = p * 3;
  rgba[p] = native[o + 2]! | (native[o + 1]! << 8) | (native[o]! << 16) | 0xff000000;
  return p + 1;
}

/** BGR pixels to their native and RGBA positions in one pass: each pixel's cache lines are touched once. */
function bgrScatter(payload: Uint8Array, positions: Uint32Array, native: Uint8Array, rgba: Uint32Array): void {
  for (let i = 0, o = 0; i < positions.length; i++, o += 3) {
    const p = positions[i]!;
    const b = payload[o]!;
    const g = payload[o + 1]!;
    const r = payload[o + 2]!;
    const at = p * 3;
    native[at] = b;
    native[at + 1] = g;
    native[at + 2] = r;
    rgba[p] = r | (g << 8) | (b << 16) | 0xff000000;
  }
}

/** Writes send-order pixels from the payload to their raster positions in the native buffer. */
function scatter(payload: Uint8Array, g: PacketGeometry, positions: Uint32Array, native: Uint8Array): void {
  const bpp = g.bitsPerPixel;
  const count = positions.length;
  if (bpp >= 8) {
    const bytes = bpp / 8;
    for (let i = 0, o = 0; i < count; i++) {
      const to = positions[i]! * bytes;
      for (let b = 0; b < bytes; b++) native[to + b] = payload[o++]!;
    }
    return;
  }
  const { width, rowBytes } = g;
  const mask = (1 << bpp) - 1;
  for (let i = 0; i < count; i++) {
    const inBit = i * bpp;
    const value = (payload[inBit >> 3]! >> (8 - bpp - (inBit & 7))) & mask;
    const position = positions[i]!;
    const y = Math.floor(position / width);
    const bit = (position - y * width) * bpp;
    const at = y * rowBytes + (bit >> 3);
    const shift = 8 - bpp - (bit & 7);
    native[at] = (native[at]! & ~(mask << shift)) | (value << shift);
  }
}
