/**
 * Receiver side: puts a packet's pixels into the native buffer and the RGBA display buffer in
 * one go, wherever in the image they belong. Rows order is a bulk copy plus one tight conversion
 * loop; other orders go pixel by pixel through the scan order's positions.
 *
 * The RGBA buffer is written through a Uint32Array, little-endian like every browser and Node
 * platform we run on, so a word r | g << 8 | b << 16 | a << 24 lands as bytes r, g, b, a.
 */
import type { PixelFormat } from '../pixels/pixel-format.ts';
import type { PacketGeometry } from './packet-geometry.ts';
import { createRgbaLookup, type RgbaLookup } from './rgba-lookup.ts';

export class PacketPlacer {
  private readonly positions: Uint32Array;
  private readonly lookup: RgbaLookup;
  private readonly bgr: boolean;

  constructor(
    private readonly geometry: PacketGeometry,
    format: PixelFormat,
    private readonly native: Uint8Array,
    private readonly rgba: Uint32Array | null,
  ) {
    this.positions = new Uint32Array(geometry.pixelsPerPacket);
    this.lookup = createRgbaLookup(format);
    this.bgr = format.kind === 'bgr';
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
      if (this.rgba && this.bgr) bgrRunToRgba(payload, g.pixelsIn(sequence), this.rgba, g.firstPixel(sequence));
      else if (this.rgba) this.paint(payload, this.positionsOf(sequence));
      return;
    }
    const positions = this.positionsOf(sequence);
    scatter(payload, g, positions, this.native);
    if (this.rgba) this.paint(payload, positions);
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

function bgrRunToRgba(payload: Uint8Array, count: number, rgba: Uint32Array, first: number): void {
  for (let i = 0, o = 0, p = first; i < count; i++, o += 3, p++) {
    rgba[p] = payload[o + 2]! | (payload[o + 1]! << 8) | (payload[o]! << 16) | 0xff000000;
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
