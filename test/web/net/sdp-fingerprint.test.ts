import { describe, expect, it } from 'vitest';
import { sdpFingerprint } from '../../../web/src/net/sdp-fingerprint.ts';

const SDP_A = 'v=0\r\na=fingerprint:SHA-256 ab:cd:EF:01\r\na=setup:actpass\r\n';

describe('sdpFingerprint', () => {
  it('reads and normalises the DTLS fingerprint of an SDP', () => {
    expect(sdpFingerprint(SDP_A)).toBe('sha-256 AB:CD:EF:01');
    expect(sdpFingerprint('v=0\r\n')).toBeNull();
  });
});
