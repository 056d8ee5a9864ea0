import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sdpFingerprint, verificationCode } from '../../../web/src/net/verification-code.ts';

const SDP_A = 'v=0\r\na=fingerprint:SHA-256 ab:cd:EF:01\r\na=setup:actpass\r\n';
const SDP_B = 'v=0\r\na=fingerprint:sha-256 11:22:33:44\r\n';

describe('verification code', () => {
  it('reads and normalises the DTLS fingerprint of an SDP', () => {
    expect(sdpFingerprint(SDP_A)).toBe('sha-256 AB:CD:EF:01');
    expect(sdpFingerprint('v=0\r\n')).toBeNull();
  });

  it('is the same nine digits on both sides', () => {
    const a = sdpFingerprint(SDP_A)!;
    const b = sdpFingerprint(SDP_B)!;
    const code = verificationCode(a, b);
    expect(code).toMatch(/^\d{3} \d{3} \d{3}$/);
    expect(verificationCode(b, a)).toBe(code);
  });

  it('is the first 32 bits of SHA-256 over the sorted fingerprints, modulo 10^9', () => {
    const a = sdpFingerprint(SDP_A)!;
    const b = sdpFingerprint(SDP_B)!;
    const digest = createHash('sha256').update([a, b].sort().join('\n')).digest();
    const digits = String(digest.readUInt32BE(0) % 1e9).padStart(9, '0');
    expect(verificationCode(a, b)).toBe(`${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`);
  });

  it('changes when either fingerprint is swapped', () => {
    const a = sdpFingerprint(SDP_A)!;
    const b = sdpFingerprint(SDP_B)!;
    expect(verificationCode(a, 'sha-256 99:99')).not.toBe(verificationCode(a, b));
  });
});
