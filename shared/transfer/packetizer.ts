/**
 * Sender side: builds the data packet for a sequence number straight from the native pixels,
 * header and payload in one allocation. Packets are built on demand, never all at once, so a
 * 24-megapixel image costs no second copy in memory.
 */
import { DATA_HEADER_BYTES, writeDataHeader } from '../protocol/index.ts';
import type { NativeImage } from '../pixels/pixel-format.ts';
import type { PacketGeometry } from './packet-geometry.ts';

/**
 * Packets are cut from slabs of this many bytes: one allocation per ~220 packets instead of one
 * each. Every packet is still its own region, never reused, so a channel may keep it queued.
 */
const SLAB_BYTES = 256 * 1024;

export class Packetizer {
  private readonly positions: Uint32Array;
  private slab = new Uint8Array(0);
  private slabUsed = 0;

  constructor(
    private readonly image: NativeImage,
    private readonly geometry: PacketGeometry,
    private readonly transferId: number,
  ) {
    this.positions = new Uint32Array(geometry.pixelsPerPacket);
  }

  packet(sequence: number): Uint8Array {
    const g = this.geometry;
    const length = g.payloadLength(sequence);
    const packet = this.allocate(DATA_HEADER_BYTES + length);
    writeDataHeader(packet, this.transferId, sequence);
    const payload = packet.subarray(DATA_HEADER_BYTES);
    if (g.bulk) {
      const start = g.bulkOffset(sequence);
      payload.set(this.image.pixels.subarray(start, start + length));
    } else {
      const count = g.pixelsIn(sequence);
      g.order.fill(g.firstPixel(sequence), count, this.positions);
      gather(this.image.pixels, g, this.positions, count, payload);
    }
    return packet;
  }

  private allocate(bytes: number): Uint8Array {
    if (this.slabUsed + bytes > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.slabUsed = 0;
    }
    const packet = this.slab.subarray(this.slabUsed, this.slabUsed + bytes);
    this.slabUsed += bytes;
    return packet;
  }
}

/** Copies the pixels at `positions` (raster indices) out of the native buffer, packed in send order. */
function gather(pixels: Uint8Array, g: PacketGeometry, positions: Uint32Array, count: number, out: Uint8Array): void {
  const bpp = g.bitsPerPixel;
  if (bpp === 24) {
    // The common case (photos) unrolled: three byte moves per pixel, no inner loop.
    for (let i = 0, o = 0; i < count; i++, o += 3) {
      const from = positions[i]! * 3;
      out[o] = pixels[from]!;
      out[o + 1] = pixels[from + 1]!;
      out[o + 2] = pixels[from + 2]!;
    }
    return;
  }
  if (bpp >= 8) {
    // Byte-aligned pixels: rows have no padding, so raster index × bytes is the native offset.
    const bytes = bpp / 8;
    for (let i = 0, o = 0; i < count; i++) {
      const from = positions[i]! * bytes;
      for (let b = 0; b < bytes; b++) out[o++] = pixels[from + b]!;
    }
    return;
  }
  const { width, rowBytes } = g;
  const mask = (1 << bpp) - 1;
  for (let i = 0; i < count; i++) {
    const position = positions[i]!;
    const y = Math.floor(position / width);
    const bit = (position - y * width) * bpp;
    // Sub-byte pixels are packed most significant bits first, in the native rows and in the payload.
    const value = (pixels[y * rowBytes + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & mask;
    const outBit = i * bpp;
    out[outBit >> 3]! |= value << (8 - bpp - (outBit & 7));
  }
}
