/**
 * One typed decoder per data channel, so that no caller looks at a message's bytes itself.
 *
 * - The packet channel (unreliable, unordered) carries data packets one way and the receiver's
 *   progress reports the other way.
 * - The control channel (reliable, ordered) carries everything else. A progress report there is
 *   still taken: receivers sent it on that channel before it moved to the packet channel.
 */
import { decodeControlMessage, type ControlMessage, type Progress } from './control-message.ts';
import { decodeDataPacket, type DataPacket } from './data-packet.ts';
import { ProtocolError } from './errors.ts';
import type { ManifestLimits } from './limits.ts';
import { MessageType } from './message-type.ts';

export type PacketChannelMessage =
  | { readonly type: 'data'; readonly packet: DataPacket }
  | { readonly type: 'progress'; readonly progress: Progress };

/** Decodes a message of the packet channel; anything else there is a {@link ProtocolError}. */
export function decodePacketChannelMessage(bytes: Uint8Array): PacketChannelMessage {
  if (bytes.length >= 2 && bytes[1] === MessageType.PROGRESS) {
    // The type byte says progress, so the decoder returns progress or throws.
    return { type: 'progress', progress: decodeControlMessage(bytes) as Progress };
  }
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
