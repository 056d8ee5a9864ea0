/**
 * Sender side: builds the data packet for a sequence number straight from the native pixels,
 * header and payload in one allocation. Packets are built on demand, never all at once, so a
 * 24-megapixel image costs no second copy in memory. Asked for a coded packet, it codes the
 * payload (rice-payload.ts) and sends it coded when that is shorter.
 */
import { DATA_HEADER_BYTES, MAX_PAYLOAD_BYTES, encodeRicePayload, riceCodable, writeDataHeader } from '../protocol/index.ts';
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
  /** Bytes per pixel, each coded as a lane of its own, when the format can be coded; else 0. */
  private readonly lanes: number;
  private readonly raw = new Uint8Array(MAX_PAYLOAD_BYTES);
  private readonly coded = new Uint8Array(MAX_PAYLOAD_BYTES);
  private readonly codingScratch = new Uint8Array(MAX_PAYLOAD_BYTES);

  constructor(
    private readonly image: NativeImage,
    private readonly geometry: PacketGeometry,
    private readonly transferId: number,
  ) {
    this.positions = new Uint32Array(geometry.pixelsPerPacket);
    this.lanes = riceCodable(geometry.bitsPerPixel) ? geometry.bitsPerPixel / 8 : 0;
  }

  /** The packet of `sequence`; with `code`, coded when coding makes it shorter. */
  packet(sequence: number, code = false): Uint8Array {
    const g = this.geometry;
    const length = g.payloadLength(sequence);
    if (code && this.lanes > 0) {
      const raw = g.bulk ? this.image.pixels.subarray(g.bulkOffset(sequence), g.bulkOffset(sequence) + length) : this.raw.subarray(0, length);
      if (!g.bulk) this.fill(sequence, raw);
      const codedLength = encodeRicePayload(raw, this.lanes, this.coded, this.codingScratch);
      if (codedLength > 0) {
        const packet = this.allocate(DATA_HEADER_BYTES + codedLength);
        writeDataHeader(packet, this.transferId, sequence, true);
        packet.set(this.coded.subarray(0, codedLength), DATA_HEADER_BYTES);
        return packet;
      }
    }
    const packet = this.allocate(DATA_HEADER_BYTES + length);
    writeDataHeader(packet, this.transferId, sequence);
    const payload = packet.subarray(DATA_HEADER_BYTES);
    if (g.bulk) {
      const start = g.bulkOffset(sequence);
      payload.set(this.image.pixels.subarray(start, start + length));
    } else {
      this.fill(sequence, payload);
    }
    return packet;
  }

  /** Gathers the pixels of a packet whose pixels are not one run of native bytes. */
  private fill(sequence: number, payload: Uint8Array): void {
    const g = this.geometry;
    const count = g.pixelsIn(sequence);
    g.order.fill(g.firstPixel(sequence), count, this.positions);
    gather(this.image.pixels, g, this.positions, count, payload);
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
