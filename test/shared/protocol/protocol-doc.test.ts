/** The encoded examples in docs/protocol.md, part 2, are test vectors: each encodes and decodes as stated. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CancelOrigin,
  CancelReason,
  Verdict,
  crc32,
  decodeControlMessage,
  decodeDataPacket,
  decodeRicePayload,
  encodeControlMessage,
  encodeDataPacket,
  encodeManifest,
  type ControlMessage,
  type DataPacket,
  type Manifest,
} from '../../../shared/protocol/index.ts';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const part2 = doc.slice(doc.indexOf('## Part 2: peer wire format'));
const vectors = new Map(
  [...part2.matchAll(/```hex vector=([\w-]+)\n([\s\S]*?)```/g)].map(([, name, hex]) => [
    name!,
    Uint8Array.from(hex!.trim().split(/\s+/), (byte) => parseInt(byte, 16)),
  ]),
);

const manifests: Record<string, Manifest> = {
  'manifest-indexed': {
    transferId: 1,
    fileName: 'a.bmp',
    width: 4,
    height: 2,
    format: { kind: 'indexed', bitsPerPixel: 1, palette: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]) },
    payloadBytes: 1140,
    packetCount: 1,
    scanOrder: { kind: 'rows' },
    crc32: crc32(new Uint8Array([0xa0, 0x50])),
    repairRounds: 3,
  },
  'manifest-scattered': {
    transferId: 0x01020304,
    fileName: 'é.bmp',
    width: 3,
    height: 2,
    format: { kind: 'bgr', bitsPerPixel: 24 },
    payloadBytes: 6,
    packetCount: 3,
    scanOrder: { kind: 'scattered', bandRows: 2, stride: 5, lastStride: 5 },
    crc32: 0x43f4f04d,
    repairRounds: 0,
  },
  'manifest-masked': {
    transferId: 2,
    fileName: '',
    width: 1,
    height: 1,
    format: { kind: 'masked', bitsPerPixel: 16, masks: { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 } },
    payloadBytes: 4,
    packetCount: 1,
    scanOrder: { kind: 'interlaced' },
    crc32: 0,
    repairRounds: 0,
  },
};

const dataPackets: Record<string, DataPacket> = {
  'data-packet': { transferId: 1, sequence: 0, payload: new Uint8Array([0xa5]) },
  'coded-data-packet': {
    transferId: 1,
    sequence: 0,
    payload: Uint8Array.of(0x34, 0x30, 0xcf, 0x46, 0x84, 0x23, 0x20, 0x00, 0x88, 0x00),
    coded: true,
  },
};

const controls: Record<string, Exclude<ControlMessage, { type: 'manifest' }>> = {
  'end-of-pass': { type: 'end-of-pass', transferId: 1, round: 0, sent: 3, simulatedDrops: Uint32Array.of(1) },
  'receipt-ranges': { type: 'receipt', transferId: 1, round: 0, received: 1000, missing: Uint32Array.of(200, 201, 202, 203, 1000) },
  'receipt-bitmap': { type: 'receipt', transferId: 1, round: 1, received: 8, missing: Uint32Array.of(0, 2, 4, 6, 8, 10, 12, 14) },
  complete: { type: 'complete', transferId: 1, verdict: Verdict.COMPLETE, rounds: 1, received: 3, lostBySimulation: 0, lostByNetwork: 0 },
  cancel: { type: 'cancel', transferId: 1, origin: CancelOrigin.RECEIVER, reason: CancelReason.REFUSED },
  progress: { type: 'progress', transferId: 1, round: 0, reach: 64 },
};

function vector(name: string): Uint8Array {
  const bytes = vectors.get(name);
  if (!bytes) throw new Error(`docs/protocol.md has no vector ${name}`);
  return bytes;
}

describe('docs/protocol.md examples', () => {
  it('every vector in the document is checked here, and every one checked here is in the document', () => {
    expect([...vectors.keys()].sort()).toEqual(
      [...Object.keys(manifests), ...Object.keys(dataPackets), ...Object.keys(controls)].sort(),
    );
  });

  it.each(Object.entries(manifests))('%s', (name, manifest) => {
    expect(encodeManifest(manifest)).toEqual(vector(name));
    expect(decodeControlMessage(vector(name))).toEqual({ type: 'manifest', ...manifest });
  });

  it.each(Object.entries(dataPackets))('%s', (name, packet) => {
    expect(encodeDataPacket(packet)).toEqual(vector(name));
    expect(decodeDataPacket(vector(name))).toEqual(packet);
  });

  it('coded-data-packet holds the four pixels it says', () => {
    const pixels = new Uint8Array(12);
    decodeRicePayload(decodeDataPacket(vector('coded-data-packet')).payload, 3, pixels);
    expect(Array.from(pixels)).toEqual([10, 20, 30, 12, 21, 29, 13, 21, 29, 13, 22, 30]);
  });

  it.each(Object.entries(controls))('%s', (name, message) => {
    expect(encodeControlMessage(message)).toEqual(vector(name));
    expect(decodeControlMessage(vector(name))).toEqual(message);
  });
});
