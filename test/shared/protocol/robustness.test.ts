/** Hostile input: random or cut-short bytes into any decoder decode or raise ProtocolError, nothing else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  decodeControlMessage,
  decodeDataPacket,
  decodeManifest,
  decodeSequenceSet,
  encodeControlMessage,
  encodeManifest,
  packetCountFor,
} from '../../../shared/protocol/index.ts';

function decodesOrRaisesTyped(decode: (bytes: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decode(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
  }
}

const decoders = [decodeControlMessage, decodeDataPacket, (b: Uint8Array) => decodeManifest(b), decodeSequenceSet];

const valid = [
  encodeManifest({
    transferId: 1,
    fileName: 'x.bmp',
    width: 30,
    height: 20,
    format: { kind: 'indexed', bitsPerPixel: 4, palette: new Uint8Array(16 * 4) },
    payloadBytes: 100,
    packetCount: packetCountFor(30, 20, 100, 4),
    scanOrder: { kind: 'scattered', bandRows: 20, stride: 7, lastStride: 7 },
    crc32: 1,
    repairRounds: 2,
  }),
  encodeControlMessage({ type: 'receipt', transferId: 1, round: 0, received: 3, missing: Uint32Array.of(1, 5, 6, 7, 100) }),
  encodeControlMessage({ type: 'end-of-pass', transferId: 1, round: 0, sent: 3, simulatedDrops: Uint32Array.of(0, 2, 4, 6, 8, 10) }),
];

describe('decoders on hostile bytes', () => {
  it('random bytes (with a plausible header or not)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.tuple(fc.constantFrom(1, 2, 3, 4, 5, 6), fc.uint8Array({ maxLength: 200 })).map(([type, rest]) => Uint8Array.of(1, type, ...rest)),
        ),
        (bytes) => {
          for (const decode of decoders) decodesOrRaisesTyped(decode, bytes);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('valid messages cut short or with one byte changed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (message, cut, at, value) => {
        const truncated = message.subarray(0, cut % message.length);
        const mutated = message.slice();
        mutated[at % message.length] = value;
        for (const decode of decoders) {
          decodesOrRaisesTyped(decode, truncated);
          decodesOrRaisesTyped(decode, mutated);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
