import { afterEach, describe, expect, it } from 'vitest';
import type { SignalingErrorCode } from '../../shared/events.ts';
import { Harness, EVENT_TIMEOUT_MS, disconnection, eventWithin, nextEvent, type Client } from './harness.ts';

const harness = new Harness();
afterEach(() => harness.closeAll());

async function createRoom(client: Client): Promise<string> {
  const reply = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
  if (!reply.ok) throw new Error('room:create failed');
  return reply.roomId;
}

async function join(client: Client, roomId: string): Promise<'ok' | SignalingErrorCode> {
  const reply = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId });
  return reply.ok ? 'ok' : reply.error.code;
}

describe('rooms per address', () => {
  it('lets one address occupy at most maxRoomsPerAddress rooms, so others still find a free room', async () => {
    const { url } = await harness.startServer({ trustProxy: true, limits: { maxRooms: 3, maxRoomsPerAddress: 2 } });
    const from = (address: string) => harness.connectedClient(url, { extraHeaders: { 'x-forwarded-for': address } });
    const attacker = await Promise.all(['198.51.100.9', '198.51.100.9', '198.51.100.9'].map(from));
    const rooms = await Promise.all(attacker.map(createRoom));

    expect(await Promise.all(attacker.map((client, i) => join(client, rooms[i]!)))).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    // Another address gets the room the attacker could not take.
    const victim = await from('203.0.113.20');
    expect(await join(victim, await createRoom(victim))).toBe('ok');
  });

  it('counts a room once however many of its seats the address holds, and frees the count when the room is left', async () => {
    const { url } = await harness.startServer({ limits: { maxRoomsPerAddress: 1 } });
    const [host, guest, other] = await Promise.all([1, 2, 3].map(() => harness.connectedClient(url)));
    const room = await createRoom(host!);
    const otherRoom = await createRoom(other!);
    expect(await join(host!, room)).toBe('ok');
    expect(await join(guest!, room), 'second seat of the same room').toBe('ok');
    expect(await join(other!, otherRoom)).toBe('RATE_LIMITED');

    await host!.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:leave', {});
    expect(await join(other!, otherRoom), 'the room is still occupied by the guest').toBe('RATE_LIMITED');
    guest!.disconnect();
    await expect.poll(() => join(other!, otherRoom)).toBe('ok');
  });
});

describe('idle rooms', () => {
  it('closes a room whose lone peer waited too long: ROOM_IDLE, then disconnect, and the seat is free again', async () => {
    const { url, io } = await harness.startServer({ limits: { roomIdleSeconds: 0.3 } });
    const waiting = await harness.connectedClient(url);
    const roomId = await createRoom(waiting);
    const closed = nextEvent(waiting, 'room:closed');
    const dropped = disconnection(waiting);
    expect(await join(waiting, roomId)).toBe('ok');

    expect(await closed).toEqual({ error: { code: 'ROOM_IDLE', message: expect.any(String) } });
    expect(await dropped).toBe('io server disconnect');
    expect(io.of('/').adapter.rooms.has(roomId)).toBe(false);
    const later = await harness.connectedClient(url);
    expect(await later.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId })).toMatchObject({ ok: true, peers: [] });
  });

  it('leaves a paired room alone however quiet it is, and restarts the clock of a peer whose partner leaves', async () => {
    const { url } = await harness.startServer({ limits: { roomIdleSeconds: 0.3 } });
    const first = await harness.connectedClient(url);
    const second = await harness.connectedClient(url);
    const roomId = await createRoom(first);
    expect(await join(first, roomId)).toBe('ok');
    expect(await join(second, roomId)).toBe('ok');

    expect(await eventWithin(first, 'room:closed', 1_000)).toBeNull();
    expect(first.connected && second.connected).toBe(true);
    const relayed = nextEvent(first, 'signal');
    expect(await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: first.id!, data: { type: 'offer', sdp: 'v=0' } })).toEqual({ ok: true });
    await relayed;

    const leftAt = Date.now();
    second.disconnect();
    await nextEvent(first, 'peer:left');
    await nextEvent(first, 'room:closed');
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(250);
  });
});
