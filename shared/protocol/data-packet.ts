/**
 * Data packet: one datagram of pixels, sent over the unreliable, unordered channel.
 *
 *   offset 0  u8   version (1)
 *          1  u8   type (0x02, or 0x08 when the payload is coded)
 *          2  u32  transfer id (little-endian)
 *          6  u32  sequence number
 *         10  …    payload: 1 to 1,140 bytes of packed pixels, or those pixels coded by
 *                  rice-payload.ts (always fewer bytes than they are)
 *
 * Which pixels the payload holds follows from the manifest and the sequence number alone, so a
 * packet is placed the moment it arrives, whatever came before it.
 */
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import { DATA_HEADER_BYTES, MAX_PACKET_BYTES } from './limits.ts';
import { MessageType, PROTOCOL_VERSION, messageTypeName } from './message-type.ts';

export interface DataPacket {
  readonly transferId: number;
  readonly sequence: number;
  /** A view into the received bytes, not a copy. */
  readonly payload: Uint8Array;
  /** The payload is the packet's pixels coded by rice-payload.ts, not the pixels themselves. */
  readonly coded?: boolean;
}

/** Writes the header into the first {@link DATA_HEADER_BYTES} of `packet`; the sender fills the payload in place. */
export function writeDataHeader(packet: Uint8Array, transferId: number, sequence: number, coded = false): void {
  packet[0] = PROTOCOL_VERSION;
  packet[1] = coded ? MessageType.CODED_DATA : MessageType.DATA;
  packet[2] = transferId & 0xff;
  packet[3] = (transferId >>> 8) & 0xff;
  packet[4] = (transferId >>> 16) & 0xff;
  packet[5] = transferId >>> 24;
  packet[6] = sequence & 0xff;
  packet[7] = (sequence >>> 8) & 0xff;
  packet[8] = (sequence >>> 16) & 0xff;
  packet[9] = sequence >>> 24;
}

export function encodeDataPacket(packet: DataPacket): Uint8Array {
  if (packet.payload.length < 1 || packet.payload.length > MAX_PACKET_BYTES - DATA_HEADER_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `data packet payload of ${packet.payload.length} bytes`);
  }
  const bytes = new Uint8Array(DATA_HEADER_BYTES + packet.payload.length);
  writeDataHeader(bytes, packet.transferId, packet.sequence, packet.coded);
  bytes.set(packet.payload, DATA_HEADER_BYTES);
  return bytes;
}

/** True when the bytes claim to be a data packet: lets a channel that carries both kinds route cheaply. */
export function isDataPacket(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === PROTOCOL_VERSION && (bytes[1] === MessageType.DATA || bytes[1] === MessageType.CODED_DATA);
}

export function decodeDataPacket(bytes: Uint8Array): DataPacket {
  // Read by hand rather than through a DataView: this runs for every packet of every transfer.
  if (bytes.length < DATA_HEADER_BYTES + 1) {
    throw new ProtocolError(ProtocolErrorCode.TRUNCATED, `data packet of ${bytes.length} bytes is shorter than header + 1`);
  }
  if (bytes.length > MAX_PACKET_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.LIMIT_EXCEEDED, `data packet of ${bytes.length} bytes exceeds ${MAX_PACKET_BYTES}`);
  }
  if (bytes[0] !== PROTOCOL_VERSION) {
    throw new ProtocolError(ProtocolErrorCode.UNSUPPORTED_VERSION, `protocol version ${bytes[0]} is not supported`);
  }
  const coded = bytes[1] === MessageType.CODED_DATA;
  if (bytes[1] !== MessageType.DATA && !coded) {
    throw new ProtocolError(ProtocolErrorCode.UNKNOWN_TYPE, `expected a data packet, got a ${messageTypeName(bytes[1]!)}`);
  }
  const transferId = (bytes[2]! | (bytes[3]! << 8) | (bytes[4]! << 16) | (bytes[5]! << 24)) >>> 0;
  const sequence = (bytes[6]! | (bytes[7]! << 8) | (bytes[8]! << 16) | (bytes[9]! << 24)) >>> 0;
  const payload = bytes.subarray(DATA_HEADER_BYTES);
  return coded ? { transferId, sequence, payload, coded } : { transferId, sequence, payload };
}
