/** Whatever a peer sends, a session counts it or acts on it, and never throws into the app's handler. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeControlMessage, encodeDataPacket } from '../../../shared/protocol/index.ts';
import { randomImage } from './arbitraries.ts';
import { connectPair } from './harness.ts';

const message = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc.record({ id: fc.integer({ min: 0, max: 3 }), round: fc.integer({ min: 0, max: 3 }), seqs: fc.uniqueArray(fc.nat({ max: 5000 }), { maxLength: 20 }) }).chain(
    ({ id, round, seqs }) => {
      const sorted = Uint32Array.from(seqs.sort((a, b) => a - b));
      return fc.constantFrom(
        encodeControlMessage({ type: 'receipt', transferId: id, round, received: 1, missing: sorted }),
        encodeControlMessage({ type: 'end-of-pass', transferId: id, round, sent: sorted.length, simulatedDrops: sorted }),
        encodeControlMessage({ type: 'complete', transferId: id, verdict: 1, rounds: round, received: 0, lostBySimulation: 0, lostByNetwork: 0 }),
        encodeControlMessage({ type: 'cancel', transferId: id, origin: (round % 2) as 0 | 1, reason: 0 }),
        encodeControlMessage({ type: 'progress', transferId: id, round, reach: seqs[0] ?? 0 }),
        encodeDataPacket({ transferId: id, sequence: sorted[0] ?? 0, payload: new Uint8Array(1 + (round * 97) % 1140) }),
      );
    },
  ),
);

describe('a hostile peer', () => {
  it('cannot make a session throw, mid-transfer, in either direction', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), message), { maxLength: 30 }), fc.nat({ max: 30 }), (messages, at) => {
        const pair = connectPair({ bytesPerMs: 2000 });
        const sender = pair.alice.send(randomImage(64, 48, { kind: 'bgr', bitsPerPixel: 24 }, 1), { fileName: 'h.bmp', repairRounds: 2 });
        pair.time.run(at / 10);
        for (const [toAlice, bytes] of messages) {
          const target = toAlice ? pair.alice : pair.bob;
          expect(() => target.receiveControl(bytes)).not.toThrow();
          expect(() => target.receivePacket(bytes)).not.toThrow();
        }
        pair.time.run();
        // A forged cancel can leave the real sender waiting for an answer; nothing else is promised.
        expect(['complete', 'incomplete', 'cancelled', 'waiting']).toContain(sender.state);
      }),
      { numRuns: 300 },
    );
  });
});
