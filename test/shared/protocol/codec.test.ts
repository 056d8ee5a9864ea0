/** Round trips, validation and error codes of the wire format. */
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MANIFEST_LIMITS,
  MAX_PACKET_COUNT,
  ProtocolError,
  ProtocolErrorCode,
  crc32,
  decodeControlMessage,
  decodeDataPacket,
  decodeManifest,
  decodeSequenceSet,
  encodeControlMessage,
  encodeDataPacket,
  encodeManifest,
  encodeSequenceSet,
  packetCountFor,
  type Manifest,
} from '../../../shared/protocol/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
  return undefined;
}

const base: Manifest = {
  transferId: 9,
  fileName: 'photo.bmp',
  width: 640,
  height: 480,
  format: { kind: 'bgr', bitsPerPixel: 24 },
  payloadBytes: 1140,
  packetCount: packetCountFor(640, 480, 1140, 24),
  scanOrder: { kind: 'rows' },
  crc32: 0xdeadbeef,
  repairRounds: 5,
};

describe('crc32', () => {
  it('matches the standard check value and continues across chunks', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32(bytes)).toBe(0xcbf43926);
    expect(crc32(bytes.subarray(4), crc32(bytes.subarray(0, 4)))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('equals zlib for any bytes, length, offset and split (the 16-byte steps and the tail)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(40), fc.nat(300), (bytes, offset, cut) => {
        const view = bytes.subarray(Math.min(offset, bytes.length));
        const at = Math.min(cut, view.length);
        expect(crc32(view)).toBe(zlibCrc32(view));
        expect(crc32(view.subarray(at), crc32(view.subarray(0, at)))).toBe(zlibCrc32(view));
      }),
      { numRuns: 500 },
    );
  });
});

describe('sequence sets', () => {
  it('round-trip any sorted set and pick the shorter encoding', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 5000 }), { maxLength: 400 }), (values) => {
        const sorted = Uint32Array.from(values.sort((a, b) => a - b));
        const bytes = encodeSequenceSet(sorted);
        expect(decodeSequenceSet(bytes)).toEqual(sorted);
        const bitmapLength = sorted.length === 0 ? 2 : 1 + (sorted.at(-1)! + 1 < 128 ? 1 : sorted.at(-1)! + 1 < 16384 ? 2 : 3) + Math.ceil((sorted.at(-1)! + 1) / 8);
        expect(bytes.length).toBeLessThanOrEqual(bitmapLength);
      }),
    );
  });

  it('refuses unsorted input and out-of-range numbers', () => {
    expect(codeOf(() => encodeSequenceSet([3, 2]))).toBe(ProtocolErrorCode.INVALID_FIELD);
    expect(codeOf(() => encodeSequenceSet([MAX_PACKET_COUNT]))).toBe(ProtocolErrorCode.INVALID_FIELD);
  });

  it('refuses a run count the message cannot hold, touching runs and stray bitmap bits', () => {
    expect(codeOf(() => decodeSequenceSet(new Uint8Array([0, 0x7f, 1, 0])))).toBe(ProtocolErrorCode.TRUNCATED);
    expect(codeOf(() => decodeSequenceSet(new Uint8Array([0, 2, 0, 0, 0, 0])))).toBe(ProtocolErrorCode.INVALID_FIELD);
    expect(codeOf(() => decodeSequenceSet(new Uint8Array([1, 3, 0xff])))).toBe(ProtocolErrorCode.INVALID_FIELD);
    expect(codeOf(() => decodeSequenceSet(new Uint8Array([2])))).toBe(ProtocolErrorCode.INVALID_FIELD);
  });
});

describe('manifest', () => {
  it('round-trips', () => {
    expect(decodeManifest(encodeManifest(base))).toEqual(base);
  });

  it('enforces the pixel and packet limits before reading further', () => {
    const bytes = encodeManifest(base);
    expect(codeOf(() => decodeManifest(bytes, { maxPixels: 640 * 480 - 1, maxPackets: MAX_PACKET_COUNT }))).toBe(
      ProtocolErrorCode.LIMIT_EXCEEDED,
    );
    expect(codeOf(() => decodeManifest(bytes, { maxPixels: 640 * 480, maxPackets: base.packetCount - 1 }))).toBe(
      ProtocolErrorCode.LIMIT_EXCEEDED,
    );
    // A forged 65535 × 65535 header is refused from its first 14 bytes, whatever follows.
    const huge = bytes.slice(0, 14);
    new DataView(huge.buffer).setUint32(6, 65535, true);
    new DataView(huge.buffer).setUint32(10, 65535, true);
    expect(codeOf(() => decodeManifest(huge, DEFAULT_MANIFEST_LIMITS))).toBe(ProtocolErrorCode.LIMIT_EXCEEDED);
  });

  it.each([
    ['a packet count that does not follow from the size', { packetCount: base.packetCount + 1 }],
    ['a zero width', { width: 0, packetCount: 0 }],
    ['a payload below 4 bytes', { payloadBytes: 3 }],
    ['a payload above 1,140 bytes', { payloadBytes: 1141 }],
    ['overlapping masks', { format: { kind: 'masked', bitsPerPixel: 16, masks: { red: 0xff, green: 0x1ff, blue: 0, alpha: 0 } } }],
    ['a palette larger than the bit depth allows', { format: { kind: 'indexed', bitsPerPixel: 1, palette: new Uint8Array(12) } }],
    ['a stride sharing a factor with the band', { scanOrder: { kind: 'scattered', bandRows: 480, stride: 2, lastStride: 2 } }],
    ['a band taller than the image', { scanOrder: { kind: 'scattered', bandRows: 481, stride: 1, lastStride: 1 } }],
  ] as const)('refuses %s', (_, change) => {
    const manifest = { ...base, ...change } as Manifest;
    expect(codeOf(() => encodeManifest(manifest))).toBe(ProtocolErrorCode.INVALID_FIELD);
  });

  it('refuses a file name that is not UTF-8, and trailing bytes', () => {
    const bytes = encodeManifest({ ...base, fileName: 'ab' });
    const broken = bytes.slice();
    broken[broken.length - 1] = 0xff;
    expect(codeOf(() => decodeManifest(broken))).toBe(ProtocolErrorCode.INVALID_FIELD);
    expect(codeOf(() => decodeManifest(Uint8Array.of(...bytes, 0)))).toBe(ProtocolErrorCode.TRAILING_BYTES);
  });

  it('refuses other versions and message types', () => {
    const bytes = encodeManifest(base);
    expect(codeOf(() => decodeManifest(Uint8Array.of(2, ...bytes.subarray(1))))).toBe(ProtocolErrorCode.UNSUPPORTED_VERSION);
    expect(codeOf(() => decodeManifest(Uint8Array.of(1, 3, ...bytes.subarray(2))))).toBe(ProtocolErrorCode.UNKNOWN_TYPE);
    expect(codeOf(() => decodeControlMessage(encodeDataPacket({ transferId: 1, sequence: 0, payload: new Uint8Array(4) })))).toBe(
      ProtocolErrorCode.UNKNOWN_TYPE,
    );
  });
});

describe('data packet', () => {
  it('honours the byte offset of a view into a larger buffer (a Node Buffer from simple-peer)', () => {
    const packet = encodeDataPacket({ transferId: 0xfffffffe, sequence: 77, payload: Uint8Array.of(1, 2, 3) });
    const pool = new Uint8Array(100).fill(0xee);
    pool.set(packet, 33);
    const decoded = decodeDataPacket(pool.subarray(33, 33 + packet.length));
    expect(decoded.transferId).toBe(0xfffffffe);
    expect(decoded.sequence).toBe(77);
    expect([...decoded.payload]).toEqual([1, 2, 3]);
  });

  it('refuses empty payloads and packets over 1,150 bytes', () => {
    expect(codeOf(() => decodeDataPacket(new Uint8Array([1, 2, 0, 0, 0, 0, 0, 0, 0, 0])))).toBe(ProtocolErrorCode.TRUNCATED);
    expect(codeOf(() => decodeDataPacket(Uint8Array.of(1, 2, ...new Uint8Array(1149))))).toBe(ProtocolErrorCode.LIMIT_EXCEEDED);
    expect(codeOf(() => encodeDataPacket({ transferId: 1, sequence: 0, payload: new Uint8Array(1141) }))).toBe(
      ProtocolErrorCode.INVALID_FIELD,
    );
  });
});

describe('control messages', () => {
  it('round-trip', () => {
    for (const message of [
      { type: 'end-of-pass', transferId: 3, round: 2, sent: 10, simulatedDrops: Uint32Array.of() },
      { type: 'receipt', transferId: 3, round: 0, received: 5, missing: Uint32Array.of(0, 1, 2, 9) },
      { type: 'complete', transferId: 3, verdict: 1, rounds: 0, received: 5, lostBySimulation: 2, lostByNetwork: 3 },
      { type: 'cancel', transferId: 3, origin: 0, reason: 2 },
      { type: 'progress', transferId: 3, round: 1, reach: 1 << 20 },
    ] as const) {
      expect(decodeControlMessage(encodeControlMessage(message))).toEqual(message);
    }
  });

  it('refuses a progress reach beyond the packet-count cap, on both ends', () => {
    expect(codeOf(() => decodeControlMessage(Uint8Array.of(1, 7, 1, 0, 0, 0, 0, 1, 0, 0x10, 0)))).toBe(ProtocolErrorCode.LIMIT_EXCEEDED);
    expect(codeOf(() => encodeControlMessage({ type: 'progress', transferId: 1, round: 0, reach: 2 ** 20 + 1 }))).toBe(
      ProtocolErrorCode.INVALID_FIELD,
    );
  });

  it('refuses unknown verdicts, origins and reasons', () => {
    expect(codeOf(() => decodeControlMessage(Uint8Array.of(1, 5, 1, 0, 0, 0, 3, 0, ...new Uint8Array(12))))).toBe(
      ProtocolErrorCode.INVALID_FIELD,
    );
    expect(codeOf(() => decodeControlMessage(Uint8Array.of(1, 6, 1, 0, 0, 0, 2, 0)))).toBe(ProtocolErrorCode.INVALID_FIELD);
    expect(codeOf(() => decodeControlMessage(Uint8Array.of(1, 6, 1, 0, 0, 0, 0, 9)))).toBe(ProtocolErrorCode.INVALID_FIELD);
  });
});
