/**
 * Room seats in Redis, shared by every instance: one sorted set per occupied room, holding each
 * seated peer with the end of its lease (Redis server time, ms). The instance a peer is
 * connected to renews the lease while the peer sits in the room (`renew`, from rooms.ts), so
 * an occupied room never expires however long it lasts; the seats of a crashed instance lapse
 * within one lease and the next claim drops them. Every change runs in a Lua script, so that
 * "drop lapsed leases, count, then add" is atomic across instances. The key expires with its
 * last lease, and Redis deletes a set that empties.
 */
import type { PeerId, RoomId } from '../shared/events.ts';
import { ROOM_CAPACITY, type RoomSeats } from './room-seats.ts';

/** The one Redis call this store needs; node-redis clients provide it. */
export interface RedisCommandSender {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisRoomSeatsOptions {
  capacity?: number;
  /** How long a seat outlives its last renewal. Default {@link DEFAULT_SEAT_LEASE_SECONDS}. */
  leaseSeconds?: number;
}

/**
 * Long enough to ride out a slow renewal, short enough that a room held by a crashed instance
 * frees up while its peers, reconnected elsewhere, still retry their join.
 */
export const DEFAULT_SEAT_LEASE_SECONDS = 45;

const KEY_PREFIX = 'pixeldrop:room-seats:';
const ROOM_FULL_REPLY = 'ROOM_FULL';

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function expire_with_last_lease(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, last[2]) end
end
`;

// KEYS[1] room; ARGV[1] peer id, ARGV[2] capacity, ARGV[3] lease (ms).
// Replies with the peers seated before (excluding the caller), or ROOM_FULL.
const CLAIM_SCRIPT = `${PRELUDE}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local seated = redis.call('ZRANGE', KEYS[1], 0, -1)
local others = {}
local already = false
for _, id in ipairs(seated) do
  if id == ARGV[1] then already = true else table.insert(others, id) end
end
if not already and #seated >= tonumber(ARGV[2]) then return '${ROOM_FULL_REPLY}' end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
expire_with_last_lease(KEYS[1])
return others
`;

// KEYS[1] room; ARGV[1] peer id, ARGV[2] lease (ms). Extends a seat still held; never re-adds one.
const RENEW_SCRIPT = `${PRELUDE}
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1]) == 1 then
  expire_with_last_lease(KEYS[1])
end
return 0
`;

// KEYS[1] room; ARGV[1] peer id. Replies { removed (0/1), peers with a live lease... }.
const RELEASE_SCRIPT = `${PRELUDE}
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
local reply = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
table.insert(reply, 1, removed)
return reply
`;

// KEYS[1] room. Replies with the peers holding a live lease.
const MEMBERS_SCRIPT = `${PRELUDE}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
`;

export function createRedisRoomSeats(redis: RedisCommandSender, options: RedisRoomSeatsOptions = {}): RoomSeats {
  const capacity = options.capacity ?? ROOM_CAPACITY;
  const leaseMs = String(Math.round((options.leaseSeconds ?? DEFAULT_SEAT_LEASE_SECONDS) * 1000));
  const keyOf = (roomId: RoomId) => KEY_PREFIX + roomId;
  const members = async (roomId: RoomId) => asPeerIds(await redis.sendCommand(['EVAL', MEMBERS_SCRIPT, '1', keyOf(roomId)]));
  return {
    async claim(roomId, peerId) {
      const reply = await redis.sendCommand(['EVAL', CLAIM_SCRIPT, '1', keyOf(roomId), peerId, String(capacity), leaseMs]);
      if (reply === ROOM_FULL_REPLY) return { ok: false };
      return { ok: true, seatedBefore: asPeerIds(reply) };
    },
    async renew(roomId, peerId) {
      await redis.sendCommand(['EVAL', RENEW_SCRIPT, '1', keyOf(roomId), peerId, leaseMs]);
    },
    async release(roomId, peerId) {
      const reply = await redis.sendCommand(['EVAL', RELEASE_SCRIPT, '1', keyOf(roomId), peerId]);
      if (!Array.isArray(reply)) throw new Error(`unexpected Redis reply to seat release: ${typeof reply}`);
      const [removed, ...remaining] = reply;
      return { released: removed === 1, remaining: asPeerIds(remaining) };
    },
    members,
    async isSeated(roomId, peerId) {
      return (await members(roomId)).includes(peerId);
    },
  };
}

function asPeerIds(reply: unknown): PeerId[] {
  if (!Array.isArray(reply) || !reply.every((id): id is string => typeof id === 'string')) {
    throw new Error('unexpected Redis reply: expected a list of peer ids');
  }
  return reply;
}
