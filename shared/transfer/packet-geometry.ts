/**
 * The arithmetic both ends share: how many pixels each packet carries, how long its payload is,
 * and whether send order is the native byte order (then a packet is one bulk copy).
 */
import { packetCountFor, pixelsPerPacket, type Manifest } from '../protocol/index.ts';
import { rowBytes, type BitsPerPixel } from '../pixels/pixel-format.ts';
import { coarsePixelCount, createPixelOrder, type PixelOrder } from './scan-order.ts';

export class PacketGeometry {
  readonly width: number;
  readonly height: number;
  readonly pixelCount: number;
  readonly bitsPerPixel: BitsPerPixel;
  readonly rowBytes: number;
  readonly pixelsPerPacket: number;
  readonly packetCount: number;
  readonly order: PixelOrder;
  /** Packets that carry the order's coarse picture (see {@link coarsePixelCount}); 0 when it has none. */
  readonly coarsePackets: number;
  /**
   * Raster order over rows with no padding bits: packet s is the native bytes from
   * s × pixelsPerPacket × bpp / 8 on, verbatim, so packing and placing are single copies.
   */
  readonly bulk: boolean;

  constructor(manifest: Pick<Manifest, 'width' | 'height' | 'payloadBytes' | 'scanOrder'> & { bitsPerPixel: BitsPerPixel }) {
    this.width = manifest.width;
    this.height = manifest.height;
    this.pixelCount = manifest.width * manifest.height;
    this.bitsPerPixel = manifest.bitsPerPixel;
    this.rowBytes = rowBytes(manifest.width, manifest.bitsPerPixel);
    this.pixelsPerPacket = pixelsPerPacket(manifest.payloadBytes, manifest.bitsPerPixel);
    this.packetCount = packetCountFor(manifest.width, manifest.height, manifest.payloadBytes, manifest.bitsPerPixel);
    this.order = createPixelOrder(manifest.scanOrder, manifest.width, manifest.height);
    this.coarsePackets = Math.ceil(coarsePixelCount(manifest.scanOrder, manifest.width, manifest.height) / this.pixelsPerPacket);
    this.bulk = this.order.isRaster && (manifest.width * manifest.bitsPerPixel) % 8 === 0;
  }

  /** Send-order index of the packet's first pixel. */
  firstPixel(sequence: number): number {
    return sequence * this.pixelsPerPacket;
  }

  pixelsIn(sequence: number): number {
    return Math.min(this.pixelsPerPacket, this.pixelCount - sequence * this.pixelsPerPacket);
  }

  payloadLength(sequence: number): number {
    return Math.ceil((this.pixelsIn(sequence) * this.bitsPerPixel) / 8);
  }

  /** Byte offset in the native buffer where a bulk packet's payload starts. */
  bulkOffset(sequence: number): number {
    return (sequence * this.pixelsPerPacket * this.bitsPerPixel) / 8;
  }
}
