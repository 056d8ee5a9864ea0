import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRoomSeats } from '../../signaling/redis-room-seats.ts';
import { createMemoryRoomSeats, type RoomSeats } from '../../signaling/room-seats.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

let redisServer: RedisServer;
let redis: ReturnType<typeof createClient>;
let nextRoom = 0;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createClient({ url: redisServer.url });
  await redis.connect();
});
afterAll(async () => {
  await redis?.close();
  await redisServer?.stop();
});

const stores: [string, () => RoomSeats][] = [
  ['in memory', () => createMemoryRoomSeats()],
  ['in Redis', () => createRedisRoomSeats(redis)],
];

describe.each(stores)('room seats %s', (_, makeStore) => {
  const room = () => `room-${nextRoom++}`;

  it('seats two peers, telling the second about the first, and refuses a third', async () => {
    const seats = makeStore();
    const roomId = room();
    expect(await seats.claim(roomId, 'a')).toEqual({ ok: true, seatedBefore: [] });
    expect(await seats.claim(roomId, 'b')).toEqual({ ok: true, seatedBefore: ['a'] });
    expect(await seats.claim(roomId, 'c')).toEqual({ ok: false });
    expect((await seats.members(roomId)).sort()).toEqual(['a', 'b']);
    expect(await seats.isSeated(roomId, 'b')).toBe(true);
    expect(await seats.isSeated(roomId, 'c')).toBe(false);
  });

  it('treats a second claim by a seated peer as the same seat', async () => {
    const seats = makeStore();
    const roomId = room();
    await seats.claim(roomId, 'a');
    await seats.claim(roomId, 'b');
    expect(await seats.claim(roomId, 'b')).toEqual({ ok: true, seatedBefore: ['a'] });
  });

  it('frees seats, reports who remains, and forgets a room once empty', async () => {
    const seats = makeStore();
    const roomId = room();
    await seats.claim(roomId, 'a');
    await seats.claim(roomId, 'b');
    expect(await seats.release(roomId, 'a')).toEqual({ released: true, remaining: ['b'] });
    expect(await seats.release(roomId, 'a')).toEqual({ released: false, remaining: ['b'] });
    expect(await seats.claim(roomId, 'c')).toEqual({ ok: true, seatedBefore: ['b'] });
    await seats.release(roomId, 'b');
    expect(await seats.release(roomId, 'c')).toEqual({ released: true, remaining: [] });
    expect(await seats.members(roomId)).toEqual([]);
  });

  it('gives exactly two of many simultaneous claims a seat', async () => {
    const seats = makeStore();
    const roomId = room();
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => seats.claim(roomId, `peer-${i}`)));
    expect(claims.filter((claim) => claim.ok)).toHaveLength(2);
  });
});

describe('room seats in Redis', () => {
  it('let a seat lapse one lease after its last renewal, and keep a renewed one', async () => {
    const seats = createRedisRoomSeats(redis, { leaseSeconds: 1 });
    await seats.claim('leased-room', 'renewed');
    await seats.claim('leased-room', 'abandoned');
    const renewing = setInterval(() => void seats.renew('leased-room', 'renewed'), 100);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await seats.members('leased-room')).toEqual(['renewed']);
      expect(await seats.isSeated('leased-room', 'abandoned')).toBe(false);
      expect(await seats.claim('leased-room', 'newcomer')).toEqual({ ok: true, seatedBefore: ['renewed'] });
      // A renewal never brings back a seat that was dropped.
      await seats.renew('leased-room', 'abandoned');
      expect((await seats.members('leased-room')).sort()).toEqual(['newcomer', 'renewed']);
    } finally {
      clearInterval(renewing);
    }
    const pttl = await redis.pTTL('pixeldrop:room-seats:leased-room');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(1_000);
  });

  it('leave no key behind for an emptied room, and expire the keys of occupied rooms', async () => {
    const seats = createRedisRoomSeats(redis);
    await seats.claim('expiring-room', 'a');
    expect(await redis.ttl('pixeldrop:room-seats:expiring-room')).toBeGreaterThan(0);
    await seats.release('expiring-room', 'a');
    expect(await redis.exists('pixeldrop:room-seats:expiring-room')).toBe(0);
  });
});
