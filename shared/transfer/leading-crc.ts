/**
 * The receiver's CRC-32 check, kept up while packets arrive. In rows order each packet is one
 * contiguous slice of the native bytes, in order, so the CRC over the leading run of packets that
 * are all in can grow as the next ones land; at the end only the bytes past that run are left to
 * check. Without it the whole image is checksummed after the last packet: 6 MB for full HD, 7 to
 * 12 ms of a busy receiving page (`TRACE_PARTS=profile npx tsx tools/diagnostics/transfer-trace.ts`).
 * Other orders scatter each packet's pixels over the image: for them the run never starts and
 * the whole image is left for the end.
 */
import { crc32 } from '../protocol/index.ts';
import type { PacketGeometry } from './packet-geometry.ts';

/**
 * Packets one `advance` folds in at most: a gap filled late (a repaired packet) would otherwise
 * make the packet that fills it pay for the whole run behind it in one go.
 */
const MAX_PACKETS_PER_ADVANCE = 64;

export class LeadingCrc {
  private packets = 0;
  private bytes = 0;
  private crc = 0;

  constructor(
    private readonly geometry: PacketGeometry,
    private readonly native: Uint8Array,
    /** Per sequence, 1 once the packet is in the native buffer (the receiver's own array). */
    private readonly arrived: Uint8Array,
  ) {}

  /** Call after a packet has landed: folds in the packets that now extend the leading run. */
  advance(): void {
    const g = this.geometry;
    if (!g.bulk) return;
    let end = this.packets;
    const limit = Math.min(g.packetCount, end + MAX_PACKETS_PER_ADVANCE);
    while (end < limit && this.arrived[end] === 1) end++;
    if (end === this.packets) return;
    const to = end === g.packetCount ? this.native.length : g.bulkOffset(end);
    this.crc = crc32(this.native.subarray(this.bytes, to), this.crc);
    this.packets = end;
    this.bytes = to;
  }

  /** The native bytes not folded in yet: `crc32(rest, crcBefore)` is the CRC-32 of the whole image. */
  get rest(): Uint8Array {
    return this.native.subarray(this.bytes);
  }

  /** The CRC-32 of the bytes before `rest`. */
  get crcBefore(): number {
    return this.crc;
  }
}
