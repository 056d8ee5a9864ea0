/** Coded payloads in whole transfers: exact pixels, fewer bytes, and only where the path is distant. */
import { describe, expect, it } from 'vitest';
import { MessageType, crc32, encodeDataPacket, riceCodable } from '../../../shared/protocol/index.ts';
import { MASKS_555, MASKS_ARGB32, rowBytes, type NativeImage, type PixelFormat } from '../../../shared/pixels/pixel-format.ts';
import type { ScanOrderKind } from '../../../shared/protocol/index.ts';
import { sameBytes } from './pixels.ts';
import { connectPair, transfer } from './harness.ts';

/** Pixels that change slowly across the image, with a little noise: what photos look like to the coder. */
function smoothImage(width: number, height: number, format: PixelFormat): NativeImage {
  const stride = rowBytes(width, format.bitsPerPixel);
  const pixels = new Uint8Array(stride * height);
  const bytes = format.bitsPerPixel / 8;
  let state = 9;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let b = 0; b < bytes; b++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        pixels[y * stride + x * bytes + b] = (((x + 2 * y) >> 2) + 40 * b + ((state >>> 30) & 1)) & 0xff;
      }
    }
  }
  return { width, height, format, pixels };
}

const formats: PixelFormat[] = [
  { kind: 'bgr', bitsPerPixel: 24 },
  { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 },
  { kind: 'masked', bitsPerPixel: 16, masks: MASKS_555 },
  { kind: 'indexed', bitsPerPixel: 8, palette: new Uint8Array(256 * 4).map((_, i) => i >> 2) },
];
const orders: ScanOrderKind[] = ['rows', 'interlaced', 'scattered'];

/** The data packets a transfer put on the link, by type. */
function countTypes(pair: ReturnType<typeof connectPair>): { coded: number; plain: number; bytes: number } {
  const counts = { coded: 0, plain: 0, bytes: 0 };
  const send = pair.link.send.bind(pair.link);
  pair.link.send = (bytes) => {
    if (bytes[1] === MessageType.CODED_DATA) counts.coded++;
    if (bytes[1] === MessageType.DATA) counts.plain++;
    if (bytes[1] === MessageType.CODED_DATA || bytes[1] === MessageType.DATA) counts.bytes += bytes.length;
    send(bytes);
  };
  return counts;
}

describe('coded payloads', () => {
  for (const format of formats) {
    it.each(orders)(`${format.bitsPerPixel}-bit ${format.kind}, %s, 10 % loss with repair: ends exact on fewer bytes`, (scanOrder) => {
      const image = smoothImage(301, 97, format);
      const pair = connectPair({ loss: { kind: 'bernoulli', p: 0.1, seed: 3 } });
      const types = countTypes(pair);
      const sender = pair.alice.send(image, { fileName: 'smooth.bmp', scanOrder, repairRounds: 20, payloadCoding: 'always' });
      pair.time.run();
      const receiver = pair.received[0]!;
      expect(receiver.state).toBe('complete');
      expect(sender.state).toBe('complete');
      expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
      expect(crc32(receiver.image.pixels)).toBe(receiver.manifest.crc32);
      expect(receiver.stats.malformed).toBe(0);
      expect(types.coded).toBeGreaterThan(types.plain);
      // Wire bytes, headers included, against the pixels they carry.
      expect(receiver.stats.bytes).toBeLessThan(receiver.stats.payloadBytes);
      expect(sender.stats.bytes).toBe(types.bytes);
    });
  }

  it('leaves formats of less than a byte per pixel uncoded', () => {
    expect(riceCodable(4)).toBe(false);
    const image = smoothImage(64, 64, { kind: 'bgr', bitsPerPixel: 24 });
    const fourBit: NativeImage = { width: 128, height: 64, format: { kind: 'indexed', bitsPerPixel: 4, palette: new Uint8Array(64) }, pixels: image.pixels.slice(0, 64 * 64) };
    const pair = connectPair();
    const types = countTypes(pair);
    pair.alice.send(fourBit, { fileName: 'four.bmp', scanOrder: 'rows', payloadCoding: 'always' });
    pair.time.run();
    expect(pair.received[0]!.state).toBe('complete');
    expect(types.coded).toBe(0);
    expect(types.plain).toBeGreaterThan(0);
  });

  it("by default codes once the path's round trip is known to be distant, never on a near one", () => {
    const image = smoothImage(640, 480, { kind: 'bgr', bitsPerPixel: 24 });
    const near = connectPair({ latencyMs: 1 });
    const nearTypes = countTypes(near);
    near.alice.send(image, { fileName: 'near.bmp', scanOrder: 'rows', adaptivePacing: true, repairRounds: 5 });
    near.time.run();
    expect(near.received[0]!.state).toBe('complete');
    expect(nearTypes.coded).toBe(0);

    const far = connectPair({ latencyMs: 20 }, {}, 20);
    const farTypes = countTypes(far);
    far.alice.send(image, { fileName: 'far.bmp', scanOrder: 'rows', adaptivePacing: true, repairRounds: 5 });
    far.time.run();
    expect(far.received[0]!.state).toBe('complete');
    expect(sameBytes(far.received[0]!.image.pixels, image.pixels)).toBe(true);
    expect(farTypes.coded).toBeGreaterThan(farTypes.plain);
  });

  it('on a link short of bytes, ends sooner by what coding saves', () => {
    const image = smoothImage(640, 480, { kind: 'bgr', bitsPerPixel: 24 });
    const finish = (payloadCoding: 'always' | 'never'): number => {
      // 0.5 MB/s and 20 ms each way: a mobile uplink.
      const pair = connectPair({ latencyMs: 20, bytesPerMs: 500 }, {}, 20);
      pair.alice.send(image, { fileName: 'capped.bmp', scanOrder: 'rows', adaptivePacing: true, repairRounds: 5, payloadCoding });
      pair.time.run();
      expect(pair.received[0]!.state).toBe('complete');
      return pair.time.now();
    };
    const plain = finish('never');
    const coded = finish('always');
    expect(plain / coded).toBeGreaterThan(1.8);
  });

  it('counts a coded packet whose payload does not decode as malformed, places nothing from it, and still ends exact', () => {
    const image = smoothImage(120, 40, { kind: 'bgr', bitsPerPixel: 24 });
    // Packets take 30 ms, control messages 5.
    const pair = connectPair({ latencyMs: 30 }, {}, 5);
    const sender = pair.alice.send(image, { fileName: 'smooth.bmp', scanOrder: 'rows', repairRounds: 3, payloadCoding: 'always' });
    // The manifest is in, the first packets are not.
    pair.time.run(20);
    const receiver = pair.received[0]!;
    expect(receiver.stats.received).toBe(0);
    const { transferId } = sender;
    const pixelBytes = 120 * 3;
    const hostile = [
      // A code that runs past the end of the payload.
      encodeDataPacket({ transferId, sequence: 0, payload: Uint8Array.of(0x33, 0x30, 0xff), coded: true }),
      // Zeros: a parameter of 0 and a value of 0 for each byte, and bytes left over.
      encodeDataPacket({ transferId, sequence: 1, payload: new Uint8Array(pixelBytes - 1), coded: true }),
      // Coded, yet as long as the packet's pixels: a coder never sends that.
      encodeDataPacket({ transferId, sequence: 2, payload: new Uint8Array(pixelBytes), coded: true }),
    ];
    for (const bytes of hostile) pair.bob.receivePacket(bytes);
    expect(receiver.stats).toMatchObject({ malformed: hostile.length, received: 0 });
    pair.time.run();
    expect(receiver.state).toBe('complete');
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
  });
});
