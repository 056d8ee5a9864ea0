/**
 * Pixeldrop peer wire format, version 1 (docs/protocol.md, part 2): the one public surface of
 * shared/protocol. Every decoder either returns a value or throws a {@link ProtocolError}.
 */
export { ProtocolError, ProtocolErrorCode } from './errors.ts';
export { crc32 } from './crc32.ts';
export { PROTOCOL_VERSION, MessageType } from './message-type.ts';
export {
  DATA_HEADER_BYTES,
  DEFAULT_MANIFEST_LIMITS,
  MAX_FILE_NAME_BYTES,
  MAX_PACKET_BYTES,
  MAX_PACKET_COUNT,
  MAX_PAYLOAD_BYTES,
  MAX_REPAIR_ROUNDS,
  MIN_PAYLOAD_BYTES,
  PROGRESS_EVERY_PACKETS,
  type ManifestLimits,
} from './limits.ts';
export {
  decodeManifest,
  encodeManifest,
  packetCountFor,
  pixelsPerPacket,
  type Manifest,
  type ScanOrder,
  type ScanOrderKind,
} from './manifest.ts';
export { decodeDataPacket, encodeDataPacket, isDataPacket, writeDataHeader, type DataPacket } from './data-packet.ts';
export { decodeRicePayload, encodeRicePayload, riceCodable } from './rice-payload.ts';
export {
  CancelOrigin,
  CancelReason,
  Verdict,
  decodeControlMessage,
  encodeControlMessage,
  type Cancel,
  type Complete,
  type ControlMessage,
  type EndOfPass,
  type Progress,
  type Receipt,
} from './control-message.ts';
export { decodeSequenceSet, encodeSequenceSet } from './sequence-set.ts';
export { decodeControlChannelMessage, decodePacketChannelMessage, type PacketChannelMessage } from './channel-messages.ts';
