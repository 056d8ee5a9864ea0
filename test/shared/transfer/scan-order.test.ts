/** Every scan order is a permutation of the image's pixels, with the properties its name promises. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScanOrder } from '../../../shared/protocol/index.ts';
import { chooseScatterOrder, createPixelOrder, mulMod } from '../../../shared/transfer/scan-order.ts';

function sendOrder(order: ScanOrder, width: number, height: number, chunk: number): Uint32Array {
  const pixels = createPixelOrder(order, width, height);
  const all = new Uint32Array(width * height);
  // Filled in chunks, as packets are: each chunk must start at the right place on its own.
  const buffer = new Uint32Array(chunk);
  for (let start = 0; start < all.length; start += chunk) {
    const count = Math.min(chunk, all.length - start);
    pixels.fill(start, count, buffer);
    all.set(buffer.subarray(0, count), start);
  }
  return all;
}

const size = fc.record({ width: fc.integer({ min: 1, max: 70 }), height: fc.integer({ min: 1, max: 70 }), chunk: fc.integer({ min: 1, max: 300 }) });

describe('scan orders', () => {
  it('each is a permutation of the raster indices, whatever the packet size', () => {
    fc.assert(
      fc.property(size, ({ width, height, chunk }) => {
        for (const order of [{ kind: 'rows' }, { kind: 'interlaced' }, chooseScatterOrder(width, height, chunk)] as ScanOrder[]) {
          const positions = sendOrder(order, width, height, chunk);
          const seen = new Uint8Array(width * height);
          for (const p of positions) seen[p]!++;
          expect(seen.every((n) => n === 1)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('interlaced starts with the 1-in-64 Adam7 grid', () => {
    const width = 20;
    const positions = sendOrder({ kind: 'interlaced' }, width, 17, 7);
    // Pass 1 is x, y ∈ {0, 8, 16}: 3 × 3 pixels, then pass 2 starts at (4, 0).
    expect([...positions.subarray(0, 10)].map((p) => [p % width, Math.floor(p / width)])).toEqual([
      [0, 0], [8, 0], [16, 0], [0, 8], [8, 8], [16, 8], [0, 16], [8, 16], [16, 16], [4, 0],
    ]);
  });

  it('scattered puts no two neighbouring pixels in one packet', () => {
    for (const [width, height] of [[512, 512], [600, 400], [4000, 3000]] as const) {
      const perPacket = 380;
      const order = chooseScatterOrder(width, height, perPacket);
      const packetOf = new Uint32Array(width * height);
      const positions = sendOrder(order, width, height, perPacket);
      for (let k = 0; k < positions.length; k++) packetOf[positions[k]!] = Math.floor(k / perPacket);
      let adjacent = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const p = y * width + x;
          if (x + 1 < width && packetOf[p + 1] === packetOf[p]) adjacent++;
          if (y + 1 < height && packetOf[p + width] === packetOf[p]) adjacent++;
          if (y + 1 < height && x + 1 < width && packetOf[p + width + 1] === packetOf[p]) adjacent++;
          if (y + 1 < height && x > 0 && packetOf[p + width - 1] === packetOf[p]) adjacent++;
        }
      }
      expect(adjacent, `${width}×${height}`).toBe(0);
    }
  });

  it('mulMod is exact beyond 2^53', () => {
    expect(mulMod(0xfffffffb, 0xfffffff1, 0xffffffef)).toBe(Number((0xfffffffbn * 0xfffffff1n) % 0xffffffefn));
  });
});
