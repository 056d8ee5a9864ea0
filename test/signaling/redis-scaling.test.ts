import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JoinResult } from '../../shared/events.ts';
import { createLogger } from '../../signaling/logger.ts';
import { connectRedis } from '../../signaling/redis-clients.ts';
import { Harness, EVENT_TIMEOUT_MS, nextEvent, type Client } from './harness.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

const ROOM_SECRET = 'shared-by-both-instances-0123456789';
let redisServer: RedisServer;
const harness = new Harness();

beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(() => redisServer?.stop());
afterEach(() => harness.closeAll());

async function startInstance(options: { seatLeaseSeconds?: number } = {}) {
  const redis = await connectRedis(redisServer.url, createLogger('silent'));
  harness.onClose(() => redis.close());
  return harness.startServer({ roomSecret: ROOM_SECRET, redis, ...options });
}

async function inspectRedis() {
  const client = createClient({ url: redisServer.url });
  await client.connect();
  harness.onClose(async () => void (await client.quit()));
  return client;
}

async function createRoom(client: Client): Promise<string> {
  const reply = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
  if (!reply.ok) throw new Error('room:create failed');
  return reply.roomId;
}

async function joinOk(client: Client, roomId: string): Promise<JoinResult> {
  const reply = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId });
  if (!reply.ok) throw new Error(`join failed: ${reply.error.code}`);
  return reply;
}

describe('two instances sharing rooms through Redis', () => {
  it('pairs one peer on each instance and relays both ways between them', async () => {
    const one = await startInstance();
    const two = await startInstance();
    const alice = await harness.connectedClient(one.url);
    const bob = await harness.connectedClient(two.url);

    const roomId = await createRoom(alice);
    const aliceJoin = await joinOk(alice, roomId);
    const joined = nextEvent(alice, 'peer:joined');
    const bobJoin = await joinOk(bob, roomId);
    expect(bobJoin.peers).toEqual([aliceJoin.selfId]);
    expect(await joined).toEqual({ peerId: bobJoin.selfId });

    const offer = nextEvent(alice, 'signal');
    expect(await bob.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: aliceJoin.selfId, data: { type: 'offer', sdp: 'v=0 offer' } })).toEqual({ ok: true });
    expect(await offer).toEqual({ from: bobJoin.selfId, data: { type: 'offer', sdp: 'v=0 offer' } });
    const answer = nextEvent(bob, 'signal');
    await alice.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: bobJoin.selfId, data: { type: 'answer', sdp: 'v=0 answer' } });
    expect(await answer).toEqual({ from: aliceJoin.selfId, data: { type: 'answer', sdp: 'v=0 answer' } });

    const received: string[] = [];
    const burst = new Promise<void>((resolve) =>
      alice.on('signal', ({ data }) => {
        if (data.type === 'candidate') received.push(data.candidate.candidate);
        if (received.length === 30) resolve();
      }),
    );
    const sent = Array.from({ length: 30 }, (_, i) => `candidate:${i} 1 udp 1 10.0.0.2 ${5000 + i} typ host`);
    for (const candidate of sent) bob.emit('signal', { to: aliceJoin.selfId, data: { type: 'candidate', candidate: { candidate } } }, () => undefined);
    await burst;
    expect(received).toEqual(sent);

    for (const url of [one.url, two.url]) {
      const third = await harness.connectedClient(url);
      expect(await third.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId })).toMatchObject({
        ok: false,
        error: { code: 'ROOM_FULL' },
      });
    }
    expect(await (await fetch(`${one.url}/healthz`)).json()).toMatchObject({ ok: true, redis: 'ready' });
  });

  it('seats exactly two of many peers racing to join on both instances', async () => {
    const instances = [await startInstance(), await startInstance()];
    const racers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => harness.connectedClient(instances[i % 2]!.url)),
    );
    for (let round = 0; round < 5; round++) {
      const roomId = await createRoom(racers[0]!);
      const replies = await Promise.all(
        racers.map((client) => client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId })),
      );
      const seated = replies.filter((reply) => reply.ok);
      expect(seated.length, `round ${round}`).toBe(2);
      expect(replies.filter((reply) => !reply.ok && reply.error.code === 'ROOM_FULL').length).toBe(10);
      // Exactly one of the two is the newcomer that lists the other and initiates.
      expect(seated.map((reply) => (reply.ok ? reply.peers.length : -1)).sort()).toEqual([0, 1]);
      await Promise.all(racers.map((client) => client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:leave', {})));
    }
  });

  it('tells a peer on one instance when its partner on the other disconnects, and forgets the empty room', async () => {
    const one = await startInstance();
    const two = await startInstance();
    const redis = await inspectRedis();
    const alice = await harness.connectedClient(one.url);
    const bob = await harness.connectedClient(two.url);
    const roomId = await createRoom(alice);
    await joinOk(alice, roomId);
    const bobJoin = await joinOk(bob, roomId);

    const left = nextEvent(alice, 'peer:left');
    bob.disconnect();
    expect(await left).toEqual({ peerId: bobJoin.selfId });
    expect((await redis.keys('*room-seats*')).length).toBe(1);

    alice.disconnect();
    await expect.poll(() => redis.keys('*room-seats*')).toEqual([]);
  });

  it('reports itself unhealthy on /healthz while Redis is unreachable, and healthy once it is back', async () => {
    const ownRedis = await startRedisServer();
    harness.onClose(() => ownRedis.stop());
    const redis = await connectRedis(ownRedis.url, createLogger('silent'));
    harness.onClose(() => redis.close());
    const { url } = await harness.startServer({ roomSecret: ROOM_SECRET, redis });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await ownRedis.stop();
    await expect.poll(async () => (await fetch(`${url}/healthz`)).status).toBe(503);
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ ok: false, redis: 'unavailable' });

    await ownRedis.restart();
    await expect.poll(async () => (await fetch(`${url}/healthz`)).status, { timeout: 10_000 }).toBe(200);
  });

  it('reclaims seats left behind by a crashed instance once their lease lapses', async () => {
    const one = await startInstance();
    const redis = await inspectRedis();
    const client = await harness.connectedClient(one.url);
    const roomId = await createRoom(client);
    const key = `pixeldrop:room-seats:${roomId}`;
    // Two seats as a crashed instance leaves them: leases that nobody renews, running out in 1 s.
    const [seconds] = await redis.time();
    const leaseEnd = Number(seconds) * 1000 + 1000;
    await redis.zAdd(key, [{ score: leaseEnd, value: 'ghostAAAAAAAAAAAAAAA' }, { score: leaseEnd, value: 'ghostBBBBBBBBBBBBBBB' }]);

    expect(await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId })).toMatchObject({ ok: false, error: { code: 'ROOM_FULL' } });
    await expect.poll(async () => (await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId })).ok, { timeout: 5_000 }).toBe(true);
    const joined = await joinOk(client, roomId);
    expect(joined.peers).toEqual([]);
    expect(await redis.zRange(key, 0, -1)).toEqual([joined.selfId]);
  });

  it('keeps the seats of an occupied room while it lasts, renewing a lease much shorter than the room', async () => {
    const leaseSeconds = 1;
    const one = await startInstance({ seatLeaseSeconds: leaseSeconds });
    const two = await startInstance({ seatLeaseSeconds: leaseSeconds });
    const redis = await inspectRedis();
    const alice = await harness.connectedClient(one.url);
    const bob = await harness.connectedClient(two.url);
    const roomId = await createRoom(alice);
    await joinOk(alice, roomId);
    await joinOk(bob, roomId);
    const key = `pixeldrop:room-seats:${roomId}`;

    // Three leases later the room still holds both seats, and the key expires only with its last lease.
    await new Promise((resolve) => setTimeout(resolve, 3 * leaseSeconds * 1000));
    expect((await redis.zRange(key, 0, -1)).sort()).toEqual([alice.id, bob.id].sort());
    const pttl = await redis.pTTL(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(leaseSeconds * 1000);
    const third = await harness.connectedClient(one.url);
    expect(await third.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId })).toMatchObject({ ok: false, error: { code: 'ROOM_FULL' } });
  });

  it('answers joins to a full room from the seat store alone, without asking the other instances', async () => {
    const one = await startInstance();
    const two = await startInstance();
    const alice = await harness.connectedClient(one.url);
    const bob = await harness.connectedClient(two.url);
    const roomId = await createRoom(alice);
    await joinOk(alice, roomId);
    await joinOk(bob, roomId);

    const fetchSockets = [one, two].map(({ io }) => vi.spyOn(io.of('/').adapter, 'fetchSockets'));
    const latecomers = await Promise.all(Array.from({ length: 10 }, (_, i) => harness.connectedClient([one, two][i % 2]!.url)));
    for (let attempt = 0; attempt < 3; attempt++) {
      const replies = await Promise.all(latecomers.map((client) => client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId })));
      expect(replies.every((reply) => !reply.ok && reply.error.code === 'ROOM_FULL')).toBe(true);
    }
    expect(fetchSockets.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);
  });
});
