import { pino } from 'pino';
import type { Socket as UntypedClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CANDIDATE_LENGTH, MAX_SDP_LENGTH } from '../../signaling/schemas.ts';
import { Harness, EVENT_TIMEOUT_MS, disconnection, nextEvent, type Client } from './harness.ts';

const harness = new Harness();
afterEach(() => harness.closeAll());

const untyped = (client: Client) => client as unknown as UntypedClient;

async function pair(url: string) {
  const first = await harness.connectedClient(url);
  const second = await harness.connectedClient(url);
  const created = await first.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
  if (!created.ok) throw new Error('room:create failed');
  const a = await first.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
  const b = await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
  if (!a.ok || !b.ok) throw new Error('pairing failed');
  return { first, second, roomId: created.roomId, firstId: a.selfId, secondId: b.selfId };
}

async function expectPairStillRelays(url: string) {
  const { first, second, firstId, secondId } = await pair(url);
  const arrives = nextEvent(first, 'signal');
  await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: firstId, data: { type: 'offer', sdp: 'v=0' } });
  expect(await arrives).toEqual({ from: secondId, data: { type: 'offer', sdp: 'v=0' } });
}

const PEER = 'AAAAAAAAAAAAAAAAAAAA';
const candidate = (fields: object) => ({ type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.2 5 typ host', ...fields } });

/** Payloads each event must refuse with INVALID_PAYLOAD. */
const MALFORMED: Record<string, unknown[]> = {
  'room:create': [null, 'room', 42, [], { name: 'mine' }],
  'room:join': [null, {}, { roomId: 7 }, { roomId: ['a'] }, { roomId: 'x'.repeat(65) }, { roomId: 'AAAA', extra: true }],
  signal: [
    null,
    { to: PEER },
    { data: { type: 'offer', sdp: 'v=0' } },
    { to: 'not a peer id!', data: { type: 'offer', sdp: 'v=0' } },
    { to: PEER, data: { type: 'offer', sdp: 'x'.repeat(MAX_SDP_LENGTH + 1) } },
    { to: PEER, data: { type: 'offer', sdp: '' } },
    { to: PEER, data: { type: 'offer', sdp: 42 } },
    { to: PEER, data: { type: 'offer', sdp: 'v=0', extra: 'reflected?' } },
    { to: PEER, data: { type: 'rollback', sdp: 'v=0' } },
    { to: PEER, data: candidate({ candidate: 'x'.repeat(MAX_CANDIDATE_LENGTH + 1) }) },
    { to: PEER, data: candidate({ sdpMLineIndex: -1 }) },
    { to: PEER, data: candidate({ sdpMLineIndex: 0.5 }) },
    { to: PEER, data: candidate({ usernameFragment: 'abcd', hidden: { a: 1 } }) },
    { to: PEER, data: { type: 'renegotiate', renegotiate: false } },
    { to: PEER, data: { type: 'transceiverRequest', transceiverRequest: { kind: 'video' } } },
  ],
  'room:leave': [null, 'now', { roomId: 'AAAA' }],
};

describe('payload validation', () => {
  for (const [event, payloads] of Object.entries(MALFORMED)) {
    it(`answers malformed ${event} payloads with INVALID_PAYLOAD and keeps serving`, async () => {
      const { url } = await harness.startServer();
      const client = await harness.connectedClient(url);
      for (const payload of payloads) {
        const reply = await untyped(client).timeout(EVENT_TIMEOUT_MS).emitWithAck(event, payload);
        expect(reply, JSON.stringify(payload)?.slice(0, 80)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
      }
      expect(client.connected).toBe(true);
      await expectPairStillRelays(url);
    });
  }

  it('does not echo the offending value in the error message', async () => {
    const { url } = await harness.startServer();
    const client = await harness.connectedClient(url);
    const reply = await untyped(client)
      .timeout(EVENT_TIMEOUT_MS)
      .emitWithAck('signal', { to: PEER, data: { type: '<script>alert(1)</script>', sdp: 'v=0' } });
    expect(reply.ok).toBe(false);
    expect(JSON.stringify(reply)).not.toContain('<script>');
  });

  it('relays a maximal valid offer and candidate', async () => {
    const { url } = await harness.startServer();
    const { first, second, firstId } = await pair(url);
    const offer = { type: 'offer' as const, sdp: 's'.repeat(MAX_SDP_LENGTH) };
    const arrives = nextEvent(first, 'signal');
    expect(await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: firstId, data: offer })).toEqual({ ok: true });
    expect((await arrives).data).toEqual(offer);
  });

  it('drops a connection whose message exceeds maxHttpBufferSize, and keeps serving others', async () => {
    const { url } = await harness.startServer();
    const { second, firstId } = await pair(url);
    const dropped = disconnection(second);
    second.emit('signal', { to: firstId, data: { type: 'offer', sdp: 'x'.repeat(100 * 1024) } }, () => undefined);
    expect(await dropped).toBe('transport close');
    await expectPairStillRelays(url);
  });

  it('drops a connection that sends an event without an acknowledgement callback', async () => {
    const { url } = await harness.startServer();
    const client = await harness.connectedClient(url);
    const dropped = disconnection(client);
    untyped(client).emit('room:create', {});
    expect(await dropped).toBe('io server disconnect');
    await expectPairStillRelays(url);
  });

  it('drops a connection that sends an unknown event', async () => {
    const { url } = await harness.startServer();
    const client = await harness.connectedClient(url);
    const dropped = disconnection(client);
    untyped(client).emit('admin:shutdown', {}, () => undefined);
    expect(await dropped).toBe('io server disconnect');
    await expectPairStillRelays(url);
  });

  it('refuses binary attachments where text is expected', async () => {
    const { url } = await harness.startServer();
    const { second, firstId } = await pair(url);
    const reply = await untyped(second)
      .timeout(EVENT_TIMEOUT_MS)
      .emitWithAck('signal', { to: firstId, data: { type: 'offer', sdp: new Uint8Array([1, 2, 3]) } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('never writes SDP or candidates to its logs, even at trace level', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const { url } = await harness.startServer({ logger });
    const { first, second, firstId, secondId } = await pair(url);
    const sdp = 'v=0\r\nc=IN IP4 203.0.113.77\r\n';
    const line = 'candidate:9 1 udp 2122260223 198.51.100.23 50000 typ host';
    const arrives = nextEvent(first, 'signal');
    await second.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: firstId, data: { type: 'offer', sdp } });
    await arrives;
    await first.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: secondId, data: { type: 'candidate', candidate: { candidate: line } } });
    await untyped(first).timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: secondId, data: { type: 'offer', sdp: `${sdp}x`, bad: 1 } });
    second.disconnect();
    await nextEvent(first, 'peer:left');

    expect(lines.length).toBeGreaterThan(0);
    const log = lines.join('');
    for (const secret of ['203.0.113.77', '198.51.100.23', 'v=0']) expect(log).not.toContain(secret);
  });
});
