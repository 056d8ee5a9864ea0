/**
 * Sizes fixed by the wire format and the default limits a receiver enforces before it
 * allocates anything for a manifest it was sent.
 */

/**
 * Largest data packet, header included. A WebRTC message is lost whenever any of its IP
 * packets is; at 1,150 bytes a message still fits one IP packet after DTLS, SCTP and UDP
 * headers (measured in Chromium: 5 % IP packet loss lost ~11 % of 1,150-byte messages, ~60 % of 16 KiB ones).
 */
export const MAX_PACKET_BYTES = 1150;
/** version u8, type u8, transfer id u32, sequence u32. */
export const DATA_HEADER_BYTES = 10;
export const MAX_PAYLOAD_BYTES = MAX_PACKET_BYTES - DATA_HEADER_BYTES;
/** A payload must hold at least one pixel of the widest format (32 bits). */
export const MIN_PAYLOAD_BYTES = 4;
/**
 * Hard cap on packets per transfer: 2^20 packets carry 1.2 GB, far beyond any image we accept,
 * and keep a missing-set bitmap at 128 KiB, below the data channel's 256 KiB message limit.
 */
export const MAX_PACKET_COUNT = 2 ** 20;
/** UTF-8 bytes of a file name. */
export const MAX_FILE_NAME_BYTES = 1024;
/**
 * A receiver sends a progress message after every this many packets it receives in a round,
 * about 74 KB of full packets: a sender's window must hold more than this, or it would stall
 * before the first report (sender.ts keeps at least twice as many).
 */
export const PROGRESS_EVERY_PACKETS = 64;
/** Repair rounds are counted in a byte on the wire. */
export const MAX_REPAIR_ROUNDS = 255;

export interface ManifestLimits {
  /** Largest width × height a receiver accepts. Default 2^25 (a 24-megapixel photo fits). */
  readonly maxPixels: number;
  /** Most packets a receiver accepts; never above {@link MAX_PACKET_COUNT}. */
  readonly maxPackets: number;
}

export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = { maxPixels: 2 ** 25, maxPackets: MAX_PACKET_COUNT };
