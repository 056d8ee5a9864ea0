/** The lossless payload coding: exact round trips, real savings on smooth pixels, hostile input refused. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_PAYLOAD_BYTES,
  ProtocolError,
  ProtocolErrorCode,
  decodeRicePayload,
  encodeRicePayload,
  riceCodable,
} from '../../../shared/protocol/index.ts';
import { thrown } from './thrown.ts';

const scratch = new Uint8Array(MAX_PAYLOAD_BYTES);

function encode(raw: Uint8Array, lanes: number): Uint8Array | null {
  const out = new Uint8Array(MAX_PAYLOAD_BYTES);
  const length = encodeRicePayload(raw, lanes, out, scratch);
  return length === 0 ? null : out.slice(0, length);
}

function decode(coded: Uint8Array, lanes: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  decodeRicePayload(coded, lanes, out);
  return out;
}

/** A smooth run of BGR pixels, like a row of a photo: each channel drifts by a few levels per pixel. */
function smoothBgr(pixels: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(pixels * 3);
  let state = seed >>> 0;
  const level = [90, 120, 150];
  for (let i = 0; i < pixels; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const step = ((state >>> 24) % 7) - 3;
    for (let c = 0; c < 3; c++) {
      level[c] = Math.max(0, Math.min(255, level[c]! + step + (((state >>> (8 * c)) & 3) - 1)));
      bytes[i * 3 + c] = level[c]!;
    }
  }
  return bytes;
}

describe('rice payload coding', () => {
  it('codes whole-byte pixels only, 1 to 8 bytes', () => {
    expect([1, 2, 4, 8, 16, 24, 32, 48, 64, 72].map(riceCodable)).toEqual([false, false, false, true, true, true, true, true, true, false]);
  });

  it('decodes what it coded to the same bytes, for any pixels of any width, or declines to code them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((lanes) =>
          fc.tuple(
            fc.constant(lanes),
            fc.oneof(
              fc.uint8Array({ minLength: lanes, maxLength: Math.floor(MAX_PAYLOAD_BYTES / lanes) * lanes }),
              fc.array(fc.integer({ min: -3, max: 3 }), { minLength: lanes, maxLength: 300 }).map((steps) => {
                let v = 128;
                return Uint8Array.from(steps, (s) => (v = (v + s) & 0xff));
              }),
            ),
          ),
        ),
        ([lanes, bytes]) => {
          const raw = bytes.subarray(0, bytes.length - (bytes.length % lanes));
          if (raw.length === 0) return;
          const coded = encode(raw, lanes);
          if (coded === null) return;
          expect(coded.length).toBeLessThan(raw.length);
          expect(decode(coded, lanes, raw.length)).toEqual(raw);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('makes a smooth full packet of BGR pixels less than half its size, and codes it back exactly', () => {
    const raw = smoothBgr(MAX_PAYLOAD_BYTES / 3, 7);
    const coded = encode(raw, 3)!;
    expect(coded.length).toBeLessThan(raw.length / 2);
    expect(decode(coded, 3, raw.length)).toEqual(raw);
  });

  it('declines noise: coding would not make it shorter', () => {
    let state = 1;
    const noise = Uint8Array.from({ length: 1140 }, () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 24);
    expect(encode(noise, 3)).toBeNull();
  });

  it('matches the test vector of docs/protocol.md', () => {
    // Four BGR pixels: (10, 20, 30), (12, 21, 29), (13, 21, 29), (13, 22, 30).
    const raw = Uint8Array.of(10, 20, 30, 12, 21, 29, 13, 21, 29, 13, 22, 30);
    const coded = encode(raw, 3)!;
    expect(Array.from(coded, (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe('34 30 cf 46 84 23 20 00 88 00');
    expect(decode(coded, 3, raw.length)).toEqual(raw);
  });

  it('refuses a payload that ends before its pixels do', () => {
    const raw = smoothBgr(100, 3);
    const coded = encode(raw, 3)!;
    expect(thrown(() => decode(coded.subarray(0, coded.length - 1), 3, raw.length)).code).toBe(ProtocolErrorCode.TRUNCATED);
    expect(thrown(() => decode(new Uint8Array(0), 3, raw.length)).code).toBe(ProtocolErrorCode.TRUNCATED);
  });

  it('refuses bytes left over, a parameter over 7 and a value over 255', () => {
    const raw = smoothBgr(100, 4);
    const coded = encode(raw, 3)!;
    expect(thrown(() => decode(Uint8Array.of(...coded, 0), 3, raw.length)).code).toBe(ProtocolErrorCode.INVALID_FIELD);
    expect(thrown(() => decode(Uint8Array.of(0x80, 0x00, 0x00), 1, 1)).code).toBe(ProtocolErrorCode.INVALID_FIELD);
    // k = 7 and the unary part 10 (two ones, a zero): 2 << 7 = 256 at least.
    expect(thrown(() => decode(Uint8Array.of(0x70, 0b1100_0000, 0x00), 1, 1)).code).toBe(ProtocolErrorCode.INVALID_FIELD);
  });

  it('throws nothing but ProtocolErrors on arbitrary bytes, and fills exactly the bytes asked for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 40 }), (lanes, coded, pixels) => {
        const out = new Uint8Array(pixels * lanes);
        try {
          decodeRicePayload(coded, lanes, out);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
