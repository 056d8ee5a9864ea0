/**
 * A short code both people can read aloud to rule out a meddling signaling server.
 *
 * Each side's DTLS certificate fingerprint is in its SDP. A server that relays the SDP could
 * swap both to sit in the middle, but then each browser sees a different pair of
 * fingerprints, so the codes the two people read differ.
 */
// A library hash rather than crypto.subtle: subtle is missing outside secure contexts, and the
// app is often opened as plain http on a LAN address.
import { sha256 } from '@noble/hashes/sha2.js';

/** The `a=fingerprint:` value of an SDP (e.g. `sha-256 AB:CD:…`), normalised; null if absent. */
export function sdpFingerprint(sdp: string): string | null {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return match ? `${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}` : null;
}

/**
 * Nine digits shown as `123 456 789`, the same on both sides: the two fingerprints are sorted
 * before hashing, so which side is local does not matter. Nine rather than six because a
 * meddling server can grind certificates until the two codes match: 30 bits make that take
 * hours of key generation instead of seconds.
 */
export function verificationCode(fingerprintA: string, fingerprintB: string): string {
  const joined = [fingerprintA, fingerprintB].sort().join('\n');
  const digest = sha256(new TextEncoder().encode(joined));
  const value = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0) % 1_000_000_000;
  const digits = value.toString().padStart(9, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
