/**
 * The two bytes every message starts with: protocol version, then message type. A peer that
 * sees an unknown version refuses the message rather than guessing at its layout.
 */
import type { ByteReader } from './byte-reader.ts';
import type { ByteWriter } from './byte-writer.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';

export const PROTOCOL_VERSION = 1;

export const MessageType = {
  MANIFEST: 0x01,
  DATA: 0x02,
  END_OF_PASS: 0x03,
  RECEIPT: 0x04,
  COMPLETE: 0x05,
  CANCEL: 0x06,
  PROGRESS: 0x07,
  CODED_DATA: 0x08,
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];

const NAMES: Record<number, string> = {
  [MessageType.MANIFEST]: 'manifest',
  [MessageType.DATA]: 'data packet',
  [MessageType.END_OF_PASS]: 'end-of-pass',
  [MessageType.RECEIPT]: 'receipt',
  [MessageType.COMPLETE]: 'complete',
  [MessageType.CANCEL]: 'cancel',
  [MessageType.PROGRESS]: 'progress',
  [MessageType.CODED_DATA]: 'coded data packet',
};

export function messageTypeName(type: number): string {
  return NAMES[type] ?? `type 0x${type.toString(16)}`;
}

export function writeHeader(writer: ByteWriter, type: MessageType): ByteWriter {
  return writer.u8(PROTOCOL_VERSION).u8(type);
}

/** Reads and checks the version and type bytes; returns the type. */
export function readHeader(reader: ByteReader): number {
  const version = reader.u8('version');
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      ProtocolErrorCode.UNSUPPORTED_VERSION,
      `protocol version ${version} is not supported (this peer speaks ${PROTOCOL_VERSION})`,
    );
  }
  const type = reader.u8('type');
  if (!(type in NAMES)) throw new ProtocolError(ProtocolErrorCode.UNKNOWN_TYPE, `unknown message type 0x${type.toString(16)}`);
  return type;
}

export function expectType(actual: number, expected: MessageType): void {
  if (actual !== expected) {
    throw new ProtocolError(
      ProtocolErrorCode.UNKNOWN_TYPE,
      `expected a ${messageTypeName(expected)}, got a ${messageTypeName(actual)}`,
    );
  }
}
