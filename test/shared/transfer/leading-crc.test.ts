import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, type ScanOrder } from '../../../shared/protocol/index.ts';
import type { BitsPerPixel } from '../../../shared/pixels/pixel-format.ts';
import { LeadingCrc } from '../../../shared/transfer/leading-crc.ts';
import { PacketGeometry } from '../../../shared/transfer/packet-geometry.ts';

function setUp(width: number, height: number, bitsPerPixel: BitsPerPixel, payloadBytes: number, scanOrder: ScanOrder = { kind: 'rows' }) {
  const geometry = new PacketGeometry({ width, height, payloadBytes, scanOrder, bitsPerPixel });
  const native = Uint8Array.from({ length: Math.ceil((width * bitsPerPixel) / 8) * height }, (_, i) => (i * 2654435761) >>> 24);
  const arrived = new Uint8Array(geometry.packetCount);
  const leading = new LeadingCrc(geometry, native, arrived);
  const land = (sequence: number) => {
    arrived[sequence] = 1;
    leading.advance();
  };
  return { geometry, native, leading, land };
}

describe('LeadingCrc', () => {
  it('for any arrival order, ends with the CRC-32 of the whole image', () => {
    fc.assert(
      fc.property(
        fc.record({
          width: fc.integer({ min: 1, max: 64 }),
          height: fc.integer({ min: 1, max: 40 }),
          bitsPerPixel: fc.constantFrom<BitsPerPixel>(1, 4, 8, 16, 24, 32),
          payloadBytes: fc.integer({ min: 4, max: 300 }),
          seed: fc.integer(),
        }),
        ({ width, height, bitsPerPixel, payloadBytes, seed }) => {
          const { geometry, native, leading, land } = setUp(width, height, bitsPerPixel, payloadBytes);
          const order = Array.from({ length: geometry.packetCount }, (_, i) => i);
          let state = seed;
          for (let i = order.length - 1; i > 0; i--) {
            state = (Math.imul(state, 1103515245) + 12345) | 0;
            const j = (state >>> 8) % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          for (const sequence of order) {
            land(sequence);
            expect(crc32(leading.rest, leading.crcBefore)).toBe(crc32(native));
          }
        },
      ),
    );
  });

  it('packets in order leave nothing for the end', () => {
    const { geometry, leading, land } = setUp(1920, 20, 24, 1140);
    for (let s = 0; s < geometry.packetCount; s++) {
      land(s);
      expect(leading.rest.length).toBe(geometry.pixelCount * 3 - Math.min(geometry.pixelCount * 3, geometry.bulkOffset(s + 1)));
    }
    expect(leading.rest.length).toBe(0);
  });

  it('a gap filled late folds in a bounded number of packets per arrival, the rest at the next ones or the end', () => {
    const { geometry, native, leading, land } = setUp(1920, 200, 24, 1140);
    for (let s = 1; s < geometry.packetCount; s++) land(s);
    expect(leading.rest.length).toBe(native.length);
    land(0);
    expect(leading.rest.length).toBe(native.length - geometry.bulkOffset(64));
    expect(crc32(leading.rest, leading.crcBefore)).toBe(crc32(native));
  });

  it('never starts for an order that scatters packets over the image', () => {
    const { geometry, native, leading, land } = setUp(100, 50, 24, 300, { kind: 'interlaced' });
    for (let s = 0; s < geometry.packetCount; s++) land(s);
    expect(leading.rest.length).toBe(native.length);
    expect(crc32(leading.rest, leading.crcBefore)).toBe(crc32(native));
  });
});
