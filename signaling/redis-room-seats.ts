/**
 * Room seats in Redis, shared by every instance: one set per occupied room, changed only by Lua
 * scripts so that "count, then add" is atomic across instances. A set that empties is deleted by
 * Redis; an expiry bounds what a crashed instance can leave behind.
 */
import type { PeerId, RoomId } from '../shared/events.ts';
import { ROOM_CAPACITY, type RoomSeats } from './room-seats.ts';

/** The one Redis call this store needs; node-redis clients provide it. */
export interface RedisCommandSender {
  sendCommand(args: string[]): Promise<unknown>;
}

const KEY_PREFIX = 'pixeldrop:room-seats:';
/** Rooms are short-lived sharing sessions; a day bounds what a crashed instance leaves behind. */
const SEAT_TTL_SECONDS = 24 * 60 * 60;
const ROOM_FULL_REPLY = 'ROOM_FULL';

// KEYS[1] room set; ARGV[1] peer id, ARGV[2] capacity, ARGV[3] ttl.
// Replies with the peers seated before (excluding the caller), or ROOM_FULL.
const CLAIM_SCRIPT = `
local seated = redis.call('SMEMBERS', KEYS[1])
local others = {}
local already = false
for _, id in ipairs(seated) do
  if id == ARGV[1] then already = true else table.insert(others, id) end
end
if not already and #seated >= tonumber(ARGV[2]) then return '${ROOM_FULL_REPLY}' end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return others
`;

// KEYS[1] room set; ARGV[1] peer id. Replies { removed (0/1), remaining... }.
const RELEASE_SCRIPT = `
local removed = redis.call('SREM', KEYS[1], ARGV[1])
local reply = redis.call('SMEMBERS', KEYS[1])
table.insert(reply, 1, removed)
return reply
`;

export function createRedisRoomSeats(redis: RedisCommandSender, capacity = ROOM_CAPACITY): RoomSeats {
  const keyOf = (roomId: RoomId) => KEY_PREFIX + roomId;
  return {
    async claim(roomId, peerId) {
      const reply = await redis.sendCommand([
        'EVAL', CLAIM_SCRIPT, '1', keyOf(roomId), peerId, String(capacity), String(SEAT_TTL_SECONDS),
      ]);
      if (reply === ROOM_FULL_REPLY) return { ok: false };
      return { ok: true, seatedBefore: asPeerIds(reply) };
    },
    async release(roomId, peerId) {
      const reply = await redis.sendCommand(['EVAL', RELEASE_SCRIPT, '1', keyOf(roomId), peerId]);
      if (!Array.isArray(reply)) throw new Error(`unexpected Redis reply to seat release: ${typeof reply}`);
      const [removed, ...remaining] = reply;
      return { released: removed === 1, remaining: asPeerIds(remaining) };
    },
    async members(roomId) {
      return asPeerIds(await redis.sendCommand(['SMEMBERS', keyOf(roomId)]));
    },
    async isSeated(roomId, peerId) {
      return (await redis.sendCommand(['SISMEMBER', keyOf(roomId), peerId])) === 1;
    },
  };
}

function asPeerIds(reply: unknown): PeerId[] {
  if (!Array.isArray(reply) || !reply.every((id): id is string => typeof id === 'string')) {
    throw new Error('unexpected Redis reply: expected a list of peer ids');
  }
  return reply;
}
