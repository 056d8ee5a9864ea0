/**
 * The placer feeds the picture through PictureWriter: every packet's pixels land in the picture's
 * words, and the span it reports covers exactly the packet's pixels (tight, so the picture's
 * dirty bands stay close to what changed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PictureWriter } from '../../../shared/picture/index.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';
import type { ScanOrder } from '../../../shared/protocol/index.ts';
import { PacketGeometry } from '../../../shared/transfer/packet-geometry.ts';
import { Packetizer } from '../../../shared/transfer/packetizer.ts';
import { PacketPlacer } from '../../../shared/transfer/placer.ts';
import { chooseScatterOrder } from '../../../shared/transfer/scan-order.ts';
import { DATA_HEADER_BYTES } from '../../../shared/protocol/index.ts';
import { nativeImage } from './arbitraries.ts';

const orderKinds = ['rows', 'interlaced', 'scattered'] as const;

describe('PacketPlacer', () => {
  it('writes each packet into the picture and reports the span of its pixels', () => {
    fc.assert(
      fc.property(nativeImage, fc.constantFrom(...orderKinds), fc.integer({ min: 4, max: 200 }), (image, kind, payloadBytes) => {
        const { width, height } = image;
        const bitsPerPixel = image.format.bitsPerPixel;
        const probe = new PacketGeometry({ width, height, payloadBytes, scanOrder: { kind: 'rows' }, bitsPerPixel });
        const scanOrder: ScanOrder = kind === 'scattered' ? chooseScatterOrder(width, height, probe.pixelsPerPacket) : { kind };
        const geometry = new PacketGeometry({ width, height, payloadBytes, scanOrder, bitsPerPixel });
        const packetizer = new Packetizer(image, geometry, 1);
        const spans: [number, number][] = [];
        const picture: PictureWriter = { words: new Uint32Array(width * height), changed: (first, last) => void spans.push([first, last]) };
        const native = new Uint8Array(image.pixels.length);
        const placer = new PacketPlacer(geometry, image.format, native, picture);
        for (let s = geometry.packetCount - 1; s >= 0; s--) {
          placer.place(s, packetizer.packet(s).subarray(DATA_HEADER_BYTES));
          const positions = [...placer.positionsOf(s)];
          expect(spans.at(-1)).toEqual([Math.min(...positions), Math.max(...positions)]);
        }
        expect(spans).toHaveLength(geometry.packetCount);
        expect(native).toEqual(image.pixels);
        expect(new Uint8Array(picture.words.buffer)).toEqual(toRgba(image));
      }),
      { numRuns: 60 },
    );
  });

  it('without a picture fills the native image alone, and masks the pixels of missing packets', () => {
    const image = { width: 5, height: 3, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels: Uint8Array.from({ length: 45 }, (_, i) => i) } as const;
    const geometry = new PacketGeometry({ width: 5, height: 3, payloadBytes: 12, scanOrder: { kind: 'interlaced' }, bitsPerPixel: 24 });
    const packetizer = new Packetizer(image, geometry, 1);
    const native = new Uint8Array(45);
    const placer = new PacketPlacer(geometry, image.format, native, null);
    for (let s = 0; s < geometry.packetCount; s++) placer.place(s, packetizer.packet(s).subarray(DATA_HEADER_BYTES));
    expect(native).toEqual(image.pixels);
    const arrived = new Uint8Array(geometry.packetCount).fill(1);
    arrived[1] = 0;
    const expected = new Array(15).fill(0);
    for (const p of placer.positionsOf(1)) expected[p] = 1;
    expect(expected.filter((bit) => bit === 1)).toHaveLength(geometry.pixelsIn(1));
    expect([...placer.missingPixelMask(arrived)]).toEqual(expected);
  });
});
