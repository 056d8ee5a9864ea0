/**
 * Each side's DTLS certificate fingerprint is in its SDP; the verification code
 * (short-auth-string.ts) binds both, so a server that swaps certificates to sit in the middle
 * changes what each browser sees.
 */

/** The `a=fingerprint:` value of an SDP (e.g. `sha-256 AB:CD:…`), normalised; null if absent. */
export function sdpFingerprint(sdp: string): string | null {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return match ? `${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}` : null;
}
