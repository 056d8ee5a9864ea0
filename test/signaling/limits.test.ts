import { afterEach, describe, expect, it } from 'vitest';
import type { SignalingErrorCode } from '../../shared/events.ts';
import { Harness, EVENT_TIMEOUT_MS, disconnection, outcome, withTimeout, type Client } from './harness.ts';

const harness = new Harness();
afterEach(() => harness.closeAll());

const perMinute = (points: number) => ({ points, durationSeconds: 60 });

async function codes(client: Client, count: number): Promise<(SignalingErrorCode | 'ok')[]> {
  const replies = await Promise.all(
    Array.from({ length: count }, () => client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {})),
  );
  return replies.map((reply) => (reply.ok ? 'ok' : reply.error.code));
}

/** The refusal a connection attempt gets: its code from `connect_error`'s data. */
function refusal(client: Client): Promise<unknown> {
  return withTimeout(
    new Promise((resolve, reject) => {
      client.once('connect', () => reject(new Error('connection was accepted')));
      client.once('connect_error', (error) => resolve((error as Error & { data?: { code?: string } }).data?.code));
    }),
    'connect_error',
  );
}


/** Engine.IO v4 separates the packets of one polling payload with this character. */
const RECORD_SEPARATOR = '\x1e';

/** A raw Engine.IO long-polling session: send packets in one POST, read what the server queued. */
async function openPollingSession(url: string) {
  const open = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
  const { sid } = JSON.parse(open.slice(1)) as { sid: string };
  const endpoint = `${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
  return {
    async send(payload: string) {
      const res = await fetch(endpoint, { method: 'POST', body: payload, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
      expect(await res.text()).toBe('ok');
    },
    poll: async () => (await fetch(endpoint)).text(),
  };
}

describe('rate limits and caps', () => {
  it('answers RATE_LIMITED once a connection exceeds its event allowance', async () => {
    const { url } = await harness.startServer({ limits: { eventRatePerConnection: perMinute(5) } });
    const client = await harness.connectedClient(url);
    expect(await codes(client, 7)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(client.connected).toBe(true);
  });

  it('drops a connection that keeps sending far past its allowance, and serves others', async () => {
    const { url } = await harness.startServer({
      limits: { eventRatePerConnection: perMinute(5), disconnectAfterOverrunFactor: 2 },
    });
    const flooder = await harness.connectedClient(url);
    const dropped = disconnection(flooder);
    for (let i = 0; i < 20; i++) flooder.emit('room:create', {}, () => undefined);
    expect(await dropped).toBe('io server disconnect');

    const other = await harness.connectedClient(url);
    expect(await codes(other, 1)).toEqual(['ok']);
  });

  it('limits events per address across its connections', async () => {
    const { url } = await harness.startServer({ limits: { eventRatePerAddress: perMinute(6) } });
    const one = await harness.connectedClient(url);
    const two = await harness.connectedClient(url);
    expect(await codes(one, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await codes(two, 4)).toEqual(['ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('refuses connections beyond the per-address cap with RATE_LIMITED, and admits again once one closes', async () => {
    const { url } = await harness.startServer({ limits: { maxConnectionsPerAddress: 2 } });
    const first = await harness.connectedClient(url);
    await harness.connectedClient(url);
    expect(await refusal(harness.client(url))).toBe('RATE_LIMITED');

    first.disconnect();
    await expect.poll(async () => {
      const retry = harness.client(url);
      return withTimeout(
        new Promise((resolve) => {
          retry.once('connect', () => resolve('connected'));
          retry.once('connect_error', () => resolve('refused'));
        }),
        'retry',
      );
    }).toBe('connected');
  });

  it('refuses new connections from an address that opens them too fast', async () => {
    const { url } = await harness.startServer({ limits: { connectionRatePerAddress: perMinute(2) } });
    (await harness.connectedClient(url)).disconnect();
    (await harness.connectedClient(url)).disconnect();
    expect(await refusal(harness.client(url))).toBe('RATE_LIMITED');
  });

  it('counts an IPv6 address by its /64 and an IPv4-mapped address as IPv4 (behind a proxy)', async () => {
    const { url } = await harness.startServer({ trustProxy: true, limits: { maxConnectionsPerAddress: 2 } });
    const from = (address: string) => harness.client(url, { extraHeaders: { 'x-forwarded-for': address } });
    await expect(outcome(from('2001:db8:1:2::1'))).resolves.toBe('connected');
    await expect(outcome(from('2001:db8:1:2:ffff:ffff:ffff:fffe'))).resolves.toBe('connected');
    expect(await refusal(from('2001:db8:1:2:abcd::3'))).toBe('RATE_LIMITED');
    await expect(outcome(from('2001:db8:1:3::1')), 'the next /64').resolves.toBe('connected');

    await expect(outcome(from('203.0.113.5'))).resolves.toBe('connected');
    await expect(outcome(from('::ffff:203.0.113.5'))).resolves.toBe('connected');
    expect(await refusal(from('203.0.113.5'))).toBe('RATE_LIMITED');
    await expect(outcome(from('203.0.113.6')), 'the next IPv4 address').resolves.toBe('connected');
  });

  it('holds the caps against 30 parallel handshakes: exactly 5 of 30 get in, and a closed one frees its slot', async () => {
    for (const limits of [{ maxConnections: 5 }, { maxConnectionsPerAddress: 5 }]) {
      const { url, io } = await harness.startServer({ limits });
      const clients = Array.from({ length: 30 }, () => harness.client(url));
      const outcomes = await Promise.all(clients.map(outcome));
      expect(outcomes.filter((o) => o === 'connected'), JSON.stringify(limits)).toHaveLength(5);
      expect(io.of('/').sockets.size).toBe(5);

      clients[outcomes.indexOf('connected')]?.disconnect();
      await expect.poll(() => io.of('/').sockets.size).toBe(4);
      await expect(outcome(harness.client(url))).resolves.toBe('connected');
      expect(await refusal(harness.client(url))).toMatch(/^(SERVER_FULL|RATE_LIMITED)$/);
    }
  });

  it('holds the caps when one connection sends 30 CONNECT packets at once, and frees the slots when it closes', async () => {
    for (const limits of [{ maxConnections: 5 }, { maxConnectionsPerAddress: 5 }]) {
      const { url, io } = await harness.startServer({ limits });
      const engine = await openPollingSession(url);
      await engine.send(Array.from({ length: 30 }, () => '40').join(RECORD_SEPARATOR));
      const replies: string[] = [];
      while (replies.length < 30) replies.push(...(await withTimeout(engine.poll(), 'CONNECT replies')).split(RECORD_SEPARATOR));
      expect(replies.filter((packet) => packet.startsWith('40{')), JSON.stringify(limits)).toHaveLength(5);
      expect(replies.filter((packet) => packet.startsWith('44{'))).toHaveLength(25);
      expect(io.of('/').sockets.size).toBe(5);

      await engine.send('1');
      await expect.poll(() => io.of('/').sockets.size).toBe(0);
      const again = Array.from({ length: 5 }, () => harness.client(url));
      expect(await Promise.all(again.map(outcome))).toEqual(Array(5).fill('connected'));
    }
  });

  it('refuses connections beyond the server cap with SERVER_FULL', async () => {
    const { url } = await harness.startServer({ limits: { maxConnections: 1 } });
    await harness.connectedClient(url);
    expect(await refusal(harness.client(url))).toBe('SERVER_FULL');
  });

  it('refuses a new room beyond the room cap with SERVER_FULL, and forgets emptied rooms', async () => {
    const { url, io } = await harness.startServer({ limits: { maxRooms: 1 } });
    const one = await harness.connectedClient(url);
    const two = await harness.connectedClient(url);
    const first = await one.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
    const second = await two.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
    if (!first.ok || !second.ok) throw new Error('room:create failed');

    expect(await one.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: first.roomId })).toMatchObject({ ok: true });
    expect(await two.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: second.roomId })).toMatchObject({
      ok: false,
      error: { code: 'SERVER_FULL' },
    });

    await one.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:leave', {});
    expect(io.of('/').adapter.rooms.has(first.roomId)).toBe(false);
    expect(await two.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: second.roomId })).toMatchObject({ ok: true });
  });

  it('lets a real handshake (offer, answer, 40 trickled candidates each way) through the default limits', async () => {
    const { url } = await harness.startServer();
    const one = await harness.connectedClient(url);
    const two = await harness.connectedClient(url);
    const created = await one.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
    if (!created.ok) throw new Error('room:create failed');
    const a = await one.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    const b = await two.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    if (!a.ok || !b.ok) throw new Error('pairing failed');

    const trickle = (from: Client, to: string, sdpType: 'offer' | 'answer') =>
      Promise.all([
        from.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to, data: { type: sdpType, sdp: 'v=0' } }),
        ...Array.from({ length: 40 }, (_, i) =>
          from.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', {
            to,
            data: { type: 'candidate', candidate: { candidate: `candidate:${i} 1 udp 1 10.0.0.2 ${5000 + i} typ host`, sdpMid: '0', sdpMLineIndex: 0 } },
          }),
        ),
      ]);
    const replies = [...(await trickle(two, a.selfId, 'offer')), ...(await trickle(one, b.selfId, 'answer'))];
    expect(replies.filter((reply) => !reply.ok)).toEqual([]);
  });
});
