/**
 * Every way a peer message can be refused. Codes are stable: the receiver counts malformed
 * packets by code, the UI maps them to messages, and tests match on them.
 */
import { CodedError } from '../coded-error.ts';

export const ProtocolErrorCode = {
  /** The message ends before a field it declares. */
  TRUNCATED: 'ERR_PROTOCOL_TRUNCATED',
  /** Bytes are left over after the last field: the sender speaks a different layout. */
  TRAILING_BYTES: 'ERR_PROTOCOL_TRAILING_BYTES',
  /** The first byte names a protocol version this code does not speak. */
  UNSUPPORTED_VERSION: 'ERR_PROTOCOL_UNSUPPORTED_VERSION',
  /** The second byte names no known message type, or not the one the caller expected. */
  UNKNOWN_TYPE: 'ERR_PROTOCOL_UNKNOWN_TYPE',
  /** A field holds a value no valid message has (zero width, bad masks, sequence out of range…). */
  INVALID_FIELD: 'ERR_PROTOCOL_INVALID_FIELD',
  /** The message declares more pixels, packets or bytes than the receiver's limits allow. */
  LIMIT_EXCEEDED: 'ERR_PROTOCOL_LIMIT_EXCEEDED',
} as const;

export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = 'ProtocolError';
  /**
   * Set when the refused message is a manifest whose transfer id could be read: the transfer
   * this side refuses, so that it can tell the sender to stop.
   */
  readonly refusedManifest: number | undefined;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown; refusedManifest?: number }) {
    super(code, message, options);
    this.refusedManifest = options?.refusedManifest;
  }
}
