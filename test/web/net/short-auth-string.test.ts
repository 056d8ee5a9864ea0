/** The commit-then-reveal exchange behind the verification code, both sides in memory. */
import { readFileSync } from 'node:fs';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  SasMessageType,
  ShortAuthString,
  commitment,
  shortAuthCode,
} from '../../../web/src/net/short-auth-string.ts';

const FP_A = 'sha-256 AA:01:02';
const FP_B = 'sha-256 BB:03:04';
const nonce = (fill: number) => new Uint8Array(32).fill(fill);

/** Two sides whose messages are queued, so a test decides what is delivered and when. */
function pair(aSees = { local: FP_A, remote: FP_B }, bSees = { local: FP_B, remote: FP_A }) {
  const toA: Uint8Array[] = [];
  const toB: Uint8Array[] = [];
  const a = new ShortAuthString({ nonce: nonce(1), localFingerprint: aSees.local, remoteFingerprint: aSees.remote, send: (m) => toB.push(m) });
  const b = new ShortAuthString({ nonce: nonce(2), localFingerprint: bSees.local, remoteFingerprint: bSees.remote, send: (m) => toA.push(m) });
  const deliver = () => {
    while (toA.length || toB.length) {
      if (toA.length) a.receive(toA.shift()!);
      if (toB.length) b.receive(toB.shift()!);
    }
  };
  return { a, b, toA, toB, deliver };
}

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const docVector = (name: string) =>
  new RegExp('```hex sas=' + name + '\\n([\\s\\S]*?)```').exec(doc)![1]!.trim().replace(/\s+/g, '');

describe('the verification code', () => {
  it('sends exactly the messages docs/protocol.md gives as test vectors', () => {
    const { a, b, toB, deliver } = pair();
    a.start();
    expect(bytesToHex(toB[0]!)).toBe(docVector('commit'));
    b.start();
    b.receive(toB.shift()!);
    deliver();
    const sentByA: string[] = [];
    const a2 = new ShortAuthString({ nonce: nonce(1), localFingerprint: FP_A, remoteFingerprint: FP_B, send: (m) => sentByA.push(bytesToHex(m)) });
    a2.start();
    a2.receive(Uint8Array.of(SasMessageType.COMMIT, ...commitment(nonce(2), FP_B)));
    expect(sentByA[1]).toBe(docVector('reveal'));
    expect(doc).toContain(`The code on both sides: \`${a.code}\``);
  });

  it('is the same six digits on both sides, and matches the documented test vector', () => {
    const { a, b, deliver } = pair();
    a.start();
    b.start();
    deliver();
    expect(a.state).toBe('verified');
    expect(b.state).toBe('verified');
    expect(a.code).toMatch(/^\d{3} \d{3}$/);
    expect(a.code).toBe(b.code);
    // docs/protocol.md, "Verification code": the same inputs, the same figures.
    expect(bytesToHex(commitment(nonce(1), FP_A))).toBe('2a1a88fc16204d18a3cf1f6c6f159aa6497e8e19a6d2ec420c4e63dd3b6523f6');
    expect(shortAuthCode([nonce(1), nonce(2)], [FP_A, FP_B])).toBe('089 155');
    expect(a.code).toBe('089 155');
  });

  it('does not depend on who starts first: a commitment that comes first is answered with one before the reveal', () => {
    const { a, b, toA, toB, deliver } = pair();
    a.start();
    b.receive(toB.shift()!); // B holds A's commitment before it has started
    expect(toA.map((m) => m[0])).toEqual([SasMessageType.COMMIT, SasMessageType.REVEAL]);
    b.start(); // starting late sends nothing twice
    expect(toA).toHaveLength(2);
    deliver();
    expect(a.state).toBe('verified');
    expect(a.code).toBe(b.code);
  });

  it('refuses a reveal that comes before its commitment', () => {
    const { a } = pair();
    a.start();
    a.receive(Uint8Array.of(SasMessageType.REVEAL, ...nonce(2)));
    expect(a.state).toBe('failed');
    expect(a.error?.code).toBe('OUT_OF_ORDER');
    expect(a.code).toBeNull();
  });

  it('reveals nothing before the other side has committed', () => {
    const { a, toB } = pair();
    a.start();
    expect(toB).toHaveLength(1);
    expect(toB[0]![0]).toBe(SasMessageType.COMMIT);
    expect(bytesToHex(toB[0]!)).not.toContain(bytesToHex(nonce(1)));
  });

  it('fails visibly when the revealed nonce is not the committed one', () => {
    const { a, b, toA, toB } = pair();
    a.start();
    b.start();
    a.receive(toA.shift()!); // B's commitment; A reveals
    b.receive(toB.shift()!); // A's commitment; B reveals
    const reveal = toA.shift()!;
    reveal[5]! ^= 1;
    a.receive(reveal);
    expect(a.state).toBe('failed');
    expect(a.error?.code).toBe('COMMITMENT_MISMATCH');
    expect(a.code).toBeNull();
  });

  it('fails when the commitment was made for another fingerprint than the one this side sees', () => {
    // Someone swapped B's certificate on the way: A's view of B's fingerprint is not B's own.
    const { a, b, deliver } = pair({ local: FP_A, remote: 'sha-256 EE:EE' });
    a.start();
    b.start();
    deliver();
    expect(a.error?.code).toBe('COMMITMENT_MISMATCH');
    expect(a.code).toBeNull();
  });

  it('differs between the two ends of a man in the middle, whatever nonces it picks', () => {
    // M faces A as "B" with its own certificate FP_M1, and B as "A" with FP_M2. It may choose its
    // nonces freely but must commit to each before the person on that side reveals.
    const FP_M1 = 'sha-256 CC:01';
    const FP_M2 = 'sha-256 DD:02';
    let matches = 0;
    for (let guess = 0; guess < 200; guess++) {
      const aNonce = crypto.getRandomValues(new Uint8Array(32));
      const bNonce = crypto.getRandomValues(new Uint8Array(32));
      const mNonce = new Uint8Array(32).fill(guess);
      const codeA = shortAuthCode([aNonce, mNonce], [FP_A, FP_M1]);
      const codeB = shortAuthCode([mNonce, bNonce], [FP_M2, FP_B]);
      if (codeA === codeB) matches++;
    }
    expect(matches).toBe(0);
  });

  it('refuses hostile messages with a typed error and never throws', () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array(33), Uint8Array.of(9, ...new Uint8Array(32)), new Uint8Array(1_000)]) {
      const { a } = pair();
      a.start();
      expect(() => a.receive(bytes)).not.toThrow();
      expect(a.state).toBe('failed');
      expect(a.error?.code).toBe('MALFORMED');
    }
    const { a, b, deliver } = pair();
    a.start();
    b.start();
    deliver();
    // A replayed commitment after the exchange ended.
    a.receive(Uint8Array.of(SasMessageType.COMMIT, ...commitment(nonce(2), FP_B)));
    expect(a.error?.code).toBe('OUT_OF_ORDER');
    expect(a.code).toBeNull();
  });

  it('takes only 32-byte nonces', () => {
    expect(() => new ShortAuthString({ nonce: new Uint8Array(16), localFingerprint: FP_A, remoteFingerprint: FP_B, send: () => {} })).toThrow(RangeError);
  });
});
