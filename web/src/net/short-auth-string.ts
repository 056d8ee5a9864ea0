/**
 * The verification code: a short authentication string agreed with commitments, as ZRTP and
 * Bluetooth numeric comparison do, over the encrypted data channel (docs/protocol.md,
 * "Verification code").
 *
 * Each side picks a random 32-byte nonce and first sends only a commitment to it; it reveals
 * the nonce once it holds the other side's commitment. The code hashes both nonces and both
 * DTLS fingerprints. A server in the middle holds two connections with different fingerprints;
 * to make both screens show the same code it must fix its nonce on each connection before it
 * learns the nonce of the person on that connection, so it gets one guess: 1 in 10^6 for six
 * digits, instead of the unlimited offline tries a hash of the fingerprints alone allows.
 */
// A library hash rather than crypto.subtle: subtle is missing outside secure contexts, and the
// app is often opened as plain http on a LAN address.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';

export const NONCE_BYTES = 32;
/** Message layouts: a type byte, then 32 bytes (a commitment or a nonce). */
export const SasMessageType = { COMMIT: 1, REVEAL: 2 } as const;
const MESSAGE_BYTES = 1 + 32;
const COMMIT_LABEL = new TextEncoder().encode('pixeldrop verification commit v1\n');
const CODE_LABEL = new TextEncoder().encode('pixeldrop verification code v1\n');

export type SasErrorCode =
  /** A message of the wrong size or an unknown type. */
  | 'MALFORMED'
  /** A reveal before the commitment, or a second commitment or reveal. */
  | 'OUT_OF_ORDER'
  /** The revealed nonce is not the one committed to: someone changed the messages. */
  | 'COMMITMENT_MISMATCH';

export class SasError extends Error {
  constructor(
    readonly code: SasErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SasError';
  }
}

export type SasState = 'committing' | 'revealed' | 'verified' | 'failed';

export interface ShortAuthStringOptions {
  /** 32 random bytes (crypto.getRandomValues); fresh for every connection. */
  readonly nonce: Uint8Array;
  /** `a=fingerprint:` of this side's SDP, normalised (sdpFingerprint). */
  readonly localFingerprint: string;
  /** `a=fingerprint:` of the other side's SDP as this side received it. */
  readonly remoteFingerprint: string;
  readonly send: (bytes: Uint8Array) => void;
}

/** SHA-256(label ‖ nonce ‖ fingerprint): what a side sends before it reveals its nonce. */
export function commitment(nonce: Uint8Array, fingerprint: string): Uint8Array {
  return sha256(concatBytes(COMMIT_LABEL, nonce, new TextEncoder().encode(fingerprint)));
}

/**
 * Six digits shown as `123 456`: the first four bytes of SHA-256(label ‖ nonces ‖ fingerprints),
 * big-endian, mod 10^6. Nonces are sorted bytewise and fingerprints as strings, so both sides
 * get the same code without agreeing who is first.
 */
export function shortAuthCode(nonces: readonly [Uint8Array, Uint8Array], fingerprints: readonly [string, string]): string {
  const [n1, n2] = [...nonces].sort(compareBytes);
  const joined = [...fingerprints].sort().join('\n');
  const digest = sha256(concatBytes(CODE_LABEL, n1!, n2!, new TextEncoder().encode(joined)));
  const value = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0) % 1_000_000;
  const digits = value.toString().padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** One side of the exchange: `start()` sends the commitment, `receive()` takes the other side's messages. */
export class ShortAuthString {
  #state: SasState = 'committing';
  #peerCommitment: Uint8Array | null = null;
  #code: string | null = null;
  #error: SasError | null = null;
  #started = false;

  constructor(private readonly options: ShortAuthStringOptions) {
    if (options.nonce.length !== NONCE_BYTES) throw new RangeError(`nonce must be ${NONCE_BYTES} bytes, got ${options.nonce.length}`);
  }

  get state(): SasState {
    return this.#state;
  }

  /** The six digits once both nonces checked out; null before, and forever after a failure. */
  get code(): string | null {
    return this.#code;
  }

  get error(): SasError | null {
    return this.#error;
  }

  /** Sends this side's commitment; once only (a commitment that comes first starts it too). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.options.send(message(SasMessageType.COMMIT, commitment(this.options.nonce, this.options.localFingerprint)));
  }

  /** Never throws: anything wrong ends the exchange as failed, with {@link error} saying why. */
  receive(bytes: Uint8Array): void {
    if (this.#state === 'failed') return;
    try {
      this.#receive(bytes);
    } catch (error) {
      if (!(error instanceof SasError)) throw error;
      this.#state = 'failed';
      this.#code = null;
      this.#error = error;
    }
  }

  #receive(bytes: Uint8Array): void {
    if (bytes.length !== MESSAGE_BYTES) throw new SasError('MALFORMED', `a verification message is ${MESSAGE_BYTES} bytes, got ${bytes.length}`);
    const body = bytes.slice(1);
    switch (bytes[0]) {
      case SasMessageType.COMMIT:
        if (this.#peerCommitment) throw new SasError('OUT_OF_ORDER', 'a second commitment');
        this.#peerCommitment = body;
        // The other side must see this side's commitment before its reveal, however the two started.
        this.start();
        // Only now, with the other side bound to its nonce, may this side reveal its own.
        this.options.send(message(SasMessageType.REVEAL, this.options.nonce));
        this.#state = 'revealed';
        return;
      case SasMessageType.REVEAL: {
        if (!this.#peerCommitment) throw new SasError('OUT_OF_ORDER', 'a nonce revealed before its commitment');
        if (this.#state !== 'revealed') throw new SasError('OUT_OF_ORDER', 'a second reveal');
        if (!equalBytes(commitment(body, this.options.remoteFingerprint), this.#peerCommitment)) {
          throw new SasError('COMMITMENT_MISMATCH', 'the revealed nonce does not match its commitment');
        }
        const { nonce, localFingerprint, remoteFingerprint } = this.options;
        this.#code = shortAuthCode([nonce, body], [localFingerprint, remoteFingerprint]);
        this.#state = 'verified';
        return;
      }
      default:
        throw new SasError('MALFORMED', `unknown verification message type ${bytes[0]}`);
    }
  }
}

function message(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(type), body);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}
