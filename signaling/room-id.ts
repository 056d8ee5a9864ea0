/**
 * Self-authenticating room ids: 16 random bytes followed by the first 8 bytes of
 * HMAC-SHA256(secret, random part), base64url-encoded (32 characters, no padding).
 *
 * Any instance that knows the secret can tell an issued id from a guessed or mistyped one
 * without shared storage, and an issued id stays valid after its room has emptied (the creator
 * reconnects from the landing page to `/r/<id>` with a new socket, so the room is empty between).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RoomId } from '../shared/events.ts';

const RANDOM_BYTES = 16; // 128 bits of randomness, the issue's floor
const TAG_BYTES = 8; // 64-bit tag: a forger needs ~2^64 tries per accepted id
const ENCODED_LENGTH = ((RANDOM_BYTES + TAG_BYTES) * 8) / 6; // 24 bytes encode to exactly 32 chars
const ROOM_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${ENCODED_LENGTH}}$`);
/** Domain separation, so the secret's HMACs for other purposes can never be replayed as room ids. */
const HMAC_CONTEXT = 'pixeldrop room id v1:';

/** Shortest secret accepted, in bytes (UTF-8). */
export const MIN_ROOM_SECRET_BYTES = 16;

export interface RoomIdIssuer {
  issue(): RoomId;
  /** True only for ids this secret issued. */
  isIssued(roomId: string): boolean;
}

export function createRoomIdIssuer(secret: string | Uint8Array): RoomIdIssuer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length < MIN_ROOM_SECRET_BYTES) {
    throw new Error(`room secret must be at least ${MIN_ROOM_SECRET_BYTES} bytes, got ${key.length}`);
  }
  const tagOf = (random: Uint8Array): Buffer =>
    createHmac('sha256', key).update(HMAC_CONTEXT).update(random).digest().subarray(0, TAG_BYTES);

  return {
    issue() {
      const random = randomBytes(RANDOM_BYTES);
      return Buffer.concat([random, tagOf(random)]).toString('base64url');
    },
    isIssued(roomId) {
      if (!ROOM_ID_PATTERN.test(roomId)) return false;
      const bytes = Buffer.from(roomId, 'base64url');
      return timingSafeEqual(bytes.subarray(RANDOM_BYTES), tagOf(bytes.subarray(0, RANDOM_BYTES)));
    },
  };
}
