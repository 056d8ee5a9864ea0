/**
 * The core promise: whatever subset of packets arrives, in whatever order and however often,
 * the receiver holds exactly the sent pixels where packets arrived, nothing where they did not,
 * and counts the missing pixels exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeControlMessage,
  decodeDataPacket,
  packetCountFor,
  pixelsPerPacket,
  type Manifest,
  type ScanOrderKind,
} from '../../../shared/protocol/index.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { Receiver, Sender } from '../../../shared/transfer/index.ts';
import { VirtualTime } from '../../doubles/virtual-time.ts';
import { nativeImage } from './arbitraries.ts';
import { rawPixel } from './pixels.ts';
import { isDataPacket } from './harness.ts';

/** Sends the whole image once into a capturing channel; returns the manifest and every packet. */
function capture(image: NativeImage, scanOrder: ScanOrderKind, payloadBytes: number): { manifest: Manifest; packets: Uint8Array[] } {
  const time = new VirtualTime();
  const packets: Uint8Array[] = [];
  let manifestBytes: Uint8Array | undefined;
  const sender = new Sender(image, {
    transferId: 7,
    fileName: 'p.bmp',
    scanOrder,
    payloadBytes,
    control: { send: (bytes) => (manifestBytes ??= bytes) },
    packets: { send: (bytes) => void (isDataPacket(bytes) && packets.push(bytes)), bufferedAmount: 0, onceBufferedAmountLow: (_, cb) => cb() },
    now: time.now,
    schedule: time.schedule,
  });
  sender.start();
  time.run();
  const message = decodeControlMessage(manifestBytes!);
  if (message.type !== 'manifest') throw new Error('first control message is not a manifest');
  return { manifest: message, packets };
}

const scenario = fc
  .record({
    image: nativeImage,
    scanOrder: fc.constantFrom<ScanOrderKind>('rows', 'interlaced', 'scattered'),
    payloadBytes: fc.oneof(fc.integer({ min: 4, max: 64 }), fc.integer({ min: 4, max: 1140 })),
  })
  .chain((base) => {
    const count = packetCountFor(base.image.width, base.image.height, base.payloadBytes, base.image.format.bitsPerPixel);
    const sequences = Array.from({ length: count }, (_, i) => i);
    return fc.record({
      base: fc.constant(base),
      delivered: fc.shuffledSubarray(sequences),
      duplicates: fc.array(fc.nat({ max: count - 1 }), { maxLength: 8 }),
    });
  });

describe('reassembly', () => {
  it('places any subset, permutation and duplication of packets exactly', () => {
    fc.assert(
      fc.property(scenario, ({ base, delivered, duplicates }) => {
        const { image } = base;
        const { manifest, packets } = capture(image, base.scanOrder, base.payloadBytes);
        expect(packets.length).toBe(manifest.packetCount);
        const time = new VirtualTime();
        const receiver = new Receiver(manifest, { control: { send: () => {} }, packets: { send: () => {} }, now: time.now, schedule: time.schedule });
        const arrivals = [...delivered, ...duplicates.filter((s) => delivered.includes(s))];
        for (const s of arrivals) receiver.handlePacket(decodeDataPacket(packets[s]!));

        const missingMask = receiver.picture!.missingPixelMask();
        const expectedRgba = new Uint32Array(toRgba(image).buffer);
        const receivedRgba = new Uint32Array(receiver.picture!.rgba.buffer);
        let missingPixels = 0;
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            const p = y * image.width + x;
            if (missingMask[p]) {
              missingPixels++;
              expect(receivedRgba[p]).toBe(0);
              expect(rawPixel(receiver.image, x, y)).toBe(0);
            } else {
              expect(rawPixel(receiver.image, x, y)).toBe(rawPixel(image, x, y));
              expect(receivedRgba[p]).toBe(expectedRgba[p]);
            }
          }
        }
        const stats = receiver.stats;
        expect(stats.received).toBe(delivered.length);
        // With every packet in, the receiver gives its verdict at once: later copies are stale.
        const extra = arrivals.length - delivered.length;
        const whole = delivered.length === manifest.packetCount;
        expect(receiver.state).toBe(whole ? 'complete' : 'receiving');
        expect(stats.duplicates).toBe(whole ? 0 : extra);
        expect(stats.stale).toBe(whole ? extra : 0);
        expect(stats.missingPixels).toBe(missingPixels);
        // The pixels the lost packets carried: n per packet, the last one the remainder.
        const perPacket = pixelsPerPacket(manifest.payloadBytes, image.format.bitsPerPixel);
        const total = image.width * image.height;
        let carried = 0;
        for (let s = 0; s < manifest.packetCount; s++) {
          if (!delivered.includes(s)) carried += Math.min(perPacket, total - s * perPacket);
        }
        expect(missingPixels).toBe(carried);
      }),
      { numRuns: 300 },
    );
  });
});
