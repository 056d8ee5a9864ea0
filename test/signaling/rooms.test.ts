import { afterEach, describe, expect, it } from 'vitest';
import type { SignalData } from '../../shared/events.ts';
import { Harness, EVENT_TIMEOUT_MS, eventWithin, nextEvent, type Client } from './harness.ts';

const harness = new Harness();
afterEach(() => harness.closeAll());

const OFFER: SignalData = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const ANSWER: SignalData = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
const CANDIDATE: SignalData = {
  type: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
};

async function createRoom(client: Client): Promise<string> {
  const reply = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
  if (!reply.ok) throw new Error(`room:create failed: ${reply.error.code}`);
  return reply.roomId;
}

function join(client: Client, roomId: string) {
  return client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId });
}

/** Two connected clients paired in a fresh room; `second` joined last. */
async function pair(url: string) {
  const first = await harness.connectedClient(url);
  const second = await harness.connectedClient(url);
  const roomId = await createRoom(first);
  const firstJoin = await join(first, roomId);
  const secondJoin = await join(second, roomId);
  if (!firstJoin.ok || !secondJoin.ok) throw new Error('pairing failed');
  return { first, second, roomId, firstId: firstJoin.selfId, secondId: secondJoin.selfId };
}

describe('rooms', () => {
  it('issues URL-safe room ids of at least 128 bits, all different', async () => {
    const { url } = await harness.startServer();
    const client = await harness.connectedClient(url);
    const ids = await Promise.all(Array.from({ length: 20 }, () => createRoom(client)));
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(id, 'base64url').length).toBeGreaterThanOrEqual(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('pairs two peers: the newcomer learns the existing peer, which is told of the newcomer', async () => {
    const { url } = await harness.startServer();
    const first = await harness.connectedClient(url);
    const second = await harness.connectedClient(url);
    const roomId = await createRoom(first);

    const firstJoin = await join(first, roomId);
    expect(firstJoin).toEqual({ ok: true, selfId: first.id, peers: [], iceServers: [], iceTransportPolicy: 'all' });

    const joined = nextEvent(first, 'peer:joined');
    const secondJoin = await join(second, roomId);
    expect(secondJoin).toEqual({ ok: true, selfId: second.id, peers: [first.id], iceServers: [], iceTransportPolicy: 'all' });
    expect(await joined).toEqual({ peerId: second.id });
  });

  it('relays signals both ways, unchanged, with the sender as `from`', async () => {
    const { url } = await harness.startServer();
    const { first, second, firstId, secondId } = await pair(url);

    const offerArrives = nextEvent(first, 'signal');
    expect(await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: firstId, data: OFFER })).toEqual({ ok: true });
    expect(await offerArrives).toEqual({ from: secondId, data: OFFER });

    const answerArrives = nextEvent(second, 'signal');
    await first.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: secondId, data: ANSWER });
    expect(await answerArrives).toEqual({ from: firstId, data: ANSWER });

    const candidateArrives = nextEvent(second, 'signal');
    await first.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: secondId, data: CANDIDATE });
    expect(await candidateArrives).toEqual({ from: firstId, data: CANDIDATE });
  });

  it('delivers a burst of signals in the order they were sent', async () => {
    const { url } = await harness.startServer();
    const { first, second, firstId } = await pair(url);
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      first.on('signal', ({ data }) => {
        if (data.type === 'candidate') received.push(data.candidate.candidate);
        if (received.length === 50) resolve();
      }),
    );
    const sent = Array.from({ length: 50 }, (_, i) => `candidate:${i} 1 udp 1 10.0.0.2 ${5000 + i} typ host`);
    for (const candidate of sent) second.emit('signal', { to: firstId, data: { type: 'candidate', candidate: { candidate } } }, () => undefined);
    await all;
    expect(received).toEqual(sent);
  });

  it('refuses a third peer with ROOM_FULL and keeps the pair working', async () => {
    const { url } = await harness.startServer();
    const { first, roomId, firstId } = await pair(url);
    const third = await harness.connectedClient(url);

    const reply = await join(third, roomId);
    expect(reply).toMatchObject({ ok: false, error: { code: 'ROOM_FULL' } });
    expect(await eventWithin(first, 'peer:joined', 100)).toBeNull();

    const relay = await third.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: firstId, data: OFFER });
    expect(relay).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
  });

  it('refuses ids it did not issue with INVALID_ROOM, including ids signed by another secret', async () => {
    const { url } = await harness.startServer({ roomSecret: 'server-one-secret-0123456789' });
    const other = await harness.startServer({ roomSecret: 'server-two-secret-0123456789' });
    const client = await harness.connectedClient(url);
    const foreignId = await createRoom(await harness.connectedClient(other.url));
    const ownId = await createRoom(client);
    const tampered = (ownId[0] === 'A' ? 'B' : 'A') + ownId.slice(1);

    for (const roomId of [foreignId, tampered, 'abc', '', 'x'.repeat(32)]) {
      expect(await join(client, roomId), roomId).toMatchObject({ ok: false, error: { code: 'INVALID_ROOM' } });
    }
  });

  it('lets the creator come back to an emptied room with a new connection', async () => {
    const { url } = await harness.startServer();
    const landing = await harness.connectedClient(url);
    const roomId = await createRoom(landing);
    landing.disconnect();

    const creator = await harness.connectedClient(url);
    expect(await join(creator, roomId)).toMatchObject({ ok: true, peers: [] });
  });

  it('tells the remaining peer when the other leaves, frees the seat, and stops relaying', async () => {
    const { url } = await harness.startServer();
    const { first, second, roomId, firstId, secondId } = await pair(url);

    const left = nextEvent(first, 'peer:left');
    expect(await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:leave', {})).toEqual({ ok: true });
    expect(await left).toEqual({ peerId: secondId });

    const relay = await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: firstId, data: OFFER });
    expect(relay).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });

    const newcomer = await harness.connectedClient(url);
    expect(await join(newcomer, roomId)).toMatchObject({ ok: true, peers: [firstId] });
  });

  it('tells the remaining peer when the other disconnects', async () => {
    const { url } = await harness.startServer();
    const { first, second, roomId, firstId } = await pair(url);
    const secondId = second.id;

    const left = nextEvent(first, 'peer:left');
    second.disconnect();
    expect(await left).toEqual({ peerId: secondId });

    const newcomer = await harness.connectedClient(url);
    expect(await join(newcomer, roomId)).toMatchObject({ ok: true, peers: [firstId] });
  });

  it('refuses to relay across rooms, to itself, and to unknown peers', async () => {
    const { url } = await harness.startServer();
    const a = await pair(url);
    const b = await pair(url);

    for (const to of [b.firstId, a.secondId, 'no-such-peer']) {
      const reply = await a.second.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to, data: OFFER });
      expect(reply, to).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
    }
    expect(await eventWithin(b.first, 'signal', 100)).toBeNull();
  });

  it('moves a peer that joins another room out of its first one', async () => {
    const { url } = await harness.startServer();
    const { first, second, secondId } = await pair(url);
    const elsewhere = await createRoom(second);

    const left = nextEvent(first, 'peer:left');
    expect(await join(second, elsewhere)).toMatchObject({ ok: true, peers: [] });
    expect(await left).toEqual({ peerId: secondId });
  });

  it('answers a repeated join of the same room with the same seat, without telling the other peer again', async () => {
    const { url } = await harness.startServer();
    const { first, second, roomId, firstId, secondId } = await pair(url);
    expect(await join(second, roomId)).toMatchObject({ ok: true, selfId: secondId, peers: [firstId] });
    expect(await eventWithin(first, 'peer:joined', 100)).toBeNull();
  });

  it('answers room:leave outside a room with NOT_IN_ROOM', async () => {
    const { url } = await harness.startServer();
    const client = await harness.connectedClient(url);
    const reply = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:leave', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
  });
});
