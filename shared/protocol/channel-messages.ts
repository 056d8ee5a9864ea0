/**
 * One typed decoder per data channel, so that no caller looks at a message's bytes itself.
 *
 * - The packet channel (unreliable, unordered) carries data packets one way and the receiver's
 *   progress reports the other way, and a copy of each message that ends a pass (end-of-pass,
 *   receipt, complete) both ways: the copy often arrives first, since the control channel's
 *   association waits a retransmission timeout (400 ms or more) to resend a lost message.
 * - The control channel (reliable, ordered) carries everything, so that no message a pass needs
 *   is ever lost. A progress report there is still taken: receivers sent it on that channel
 *   before it moved to the packet channel.
 */
import { decodeControlMessage, type Complete, type ControlMessage, type EndOfPass, type Progress, type Receipt } from './control-message.ts';
import { decodeDataPacket, type DataPacket } from './data-packet.ts';
import { ProtocolError } from './errors.ts';
import type { ManifestLimits } from './limits.ts';
import { MessageType } from './message-type.ts';

export type PacketChannelMessage =
  | { readonly type: 'data'; readonly packet: DataPacket }
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'pass'; readonly message: EndOfPass | Receipt | Complete };

/** The control messages whose copies travel on the packet channel too. */
const PASS_MESSAGES: ReadonlySet<number> = new Set([MessageType.END_OF_PASS, MessageType.RECEIPT, MessageType.COMPLETE]);

/** Decodes a message of the packet channel; anything else there is a {@link ProtocolError}. */
export function decodePacketChannelMessage(bytes: Uint8Array): PacketChannelMessage {
  const type = bytes.length >= 2 ? bytes[1]! : -1;
  // The type byte says which, so the decoder returns that type or throws.
  if (type === MessageType.PROGRESS) return { type: 'progress', progress: decodeControlMessage(bytes) as Progress };
  if (PASS_MESSAGES.has(type)) return { type: 'pass', message: decodeControlMessage(bytes) as EndOfPass | Receipt | Complete };
  return { type: 'data', packet: decodeDataPacket(bytes) };
}

/** Bytes a manifest needs for its transfer id to be read: version, type, u32 id. */
const MANIFEST_ID_END = 6;

/**
 * Decodes a message of the control channel, checking a manifest against `limits` before anything
 * is allocated for it. A refused manifest whose transfer id can be read throws a ProtocolError
 * carrying that id (`refusedManifest`), so the receiver can tell the sender to stop instead of
 * letting it stream into the void.
 */
export function decodeControlChannelMessage(bytes: Uint8Array, limits?: ManifestLimits): ControlMessage {
  try {
    return decodeControlMessage(bytes, limits);
  } catch (error) {
    if (!(error instanceof ProtocolError) || bytes.length < MANIFEST_ID_END || bytes[1] !== MessageType.MANIFEST) throw error;
    const refusedManifest = (bytes[2]! | (bytes[3]! << 8) | (bytes[4]! << 16) | (bytes[5]! << 24)) >>> 0;
    throw new ProtocolError(error.code, error.message, { cause: error, refusedManifest });
  }
}
