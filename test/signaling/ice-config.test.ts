import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../signaling/config.ts';
import { iceServersFor, peerIceConfigFor, type IceConfig } from '../../signaling/ice-config.ts';
import { Harness, EVENT_TIMEOUT_MS } from './harness.ts';

const harness = new Harness();
afterEach(() => harness.closeAll());

const TURN_SECRET = 'coturn-static-auth-secret';
const ICE: IceConfig = {
  staticServers: [{ urls: 'stun:stun.example.net:3478' }],
  turn: { urls: ['turn:turn.example.net:3478?transport=udp', 'turns:turn.example.net:5349'], secret: TURN_SECRET, ttlSeconds: 600 },
};

describe('ICE configuration', () => {
  it('makes TURN REST credentials: username "<expiry>:<peer>", credential base64(HMAC-SHA1(secret, username))', () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const [stun, turn] = iceServersFor(ICE, 'peer-1', now);
    expect(stun).toEqual({ urls: 'stun:stun.example.net:3478' });
    expect(turn?.urls).toEqual(ICE.turn?.urls);
    expect(turn?.username).toBe(`${now / 1000 + 600}:peer-1`);
    // The rule coturn applies with use-auth-secret, recomputed here independently.
    const expected = createHmac('sha1', TURN_SECRET).update(turn?.username ?? '').digest('base64');
    expect(turn?.credential).toBe(expected);
    // A vector computed with `printf '1700000000:alice' | openssl dgst -sha1 -hmac secret -binary | base64`.
    const vector = iceServersFor({ staticServers: [], turn: { urls: ['turn:x'], secret: 'secret', ttlSeconds: 0 } }, 'alice', 1_700_000_000_000);
    expect(vector[0]).toMatchObject({ username: '1700000000:alice', credential: 'd8soP47RbdIKLDUOpnJPVQyq5Ts=' });
  });

  it('hands each joining peer its own time-limited credentials', async () => {
    const { url } = await harness.startServer({ ice: ICE });
    const client = await harness.connectedClient(url);
    const created = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
    if (!created.ok) throw new Error('room:create failed');
    const before = Math.floor(Date.now() / 1000);
    const joined = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    if (!joined.ok) throw new Error('join failed');

    const turn = joined.iceServers[1];
    const [expiry, user] = (turn?.username ?? '').split(':');
    expect(user).toBe(joined.selfId);
    expect(Number(expiry) - before).toBeGreaterThanOrEqual(600);
    expect(Number(expiry) - before).toBeLessThanOrEqual(601);
    expect(turn?.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn?.username ?? '').digest('base64'));
  });

  it('contacts no public STUN server by default', () => {
    expect(readConfig({}).ice).toEqual({ staticServers: [], transportPolicy: 'all' });
  });

  it('reads ICE_SERVERS and TURN_* from the environment, and refuses half a TURN setup', () => {
    const config = readConfig({
      ICE_SERVERS: '[{"urls":"stun:stun.example.net"},{"urls":["turn:a"],"username":"u","credential":"c"}]',
      TURN_URLS: 'turn:t.example.net:3478, turns:t.example.net:5349',
      TURN_SECRET: 's3cret',
      TURN_TTL_SECONDS: '900',
    });
    expect(config.ice).toEqual({
      staticServers: [{ urls: 'stun:stun.example.net' }, { urls: ['turn:a'], username: 'u', credential: 'c' }],
      turn: { urls: ['turn:t.example.net:3478', 'turns:t.example.net:5349'], secret: 's3cret', ttlSeconds: 900 },
      transportPolicy: 'all',
    });
    expect(() => readConfig({ TURN_URLS: 'turn:t.example.net' })).toThrow(/TURN_URLS and TURN_SECRET/);
    expect(() => readConfig({ ICE_SERVERS: '[{"url":"stun:x"}]' })).toThrow(/ICE_SERVERS/);
    expect(() => readConfig({ ICE_SERVERS: 'stun:x' })).toThrow(/not valid JSON/);
  });

  it('reads ICE_TRANSPORT_POLICY: all by default, relay only with a TURN server to relay through', () => {
    const turn = { TURN_URLS: 'turn:t.example.net:3478', TURN_SECRET: 's3cret' };
    expect(readConfig(turn).ice.transportPolicy).toBe('all');
    expect(readConfig({ ...turn, ICE_TRANSPORT_POLICY: 'all' }).ice.transportPolicy).toBe('all');
    expect(readConfig({ ...turn, ICE_TRANSPORT_POLICY: 'relay' }).ice.transportPolicy).toBe('relay');
    const staticTurn = { ICE_SERVERS: '[{"urls":["stun:s.example.net","turn:t.example.net"],"username":"u","credential":"c"}]' };
    expect(readConfig({ ...staticTurn, ICE_TRANSPORT_POLICY: 'relay' }).ice.transportPolicy).toBe('relay');

    expect(() => readConfig({ ...turn, ICE_TRANSPORT_POLICY: 'RELAY' })).toThrow(/ICE_TRANSPORT_POLICY/);
    expect(() => readConfig({ ...turn, ICE_TRANSPORT_POLICY: 'none' })).toThrow(/ICE_TRANSPORT_POLICY/);
    expect(() => readConfig({ ICE_TRANSPORT_POLICY: 'relay' })).toThrow(/ICE_TRANSPORT_POLICY: relay needs a TURN server/);
    expect(() => readConfig({ ICE_SERVERS: '[{"urls":"stun:s.example.net"}]', ICE_TRANSPORT_POLICY: 'relay' })).toThrow(
      /ICE_TRANSPORT_POLICY: relay needs a TURN server/,
    );
  });

  it('hands both peers of a room the relay-only policy with their TURN credentials', async () => {
    const { url } = await harness.startServer({ ice: { ...ICE, transportPolicy: 'relay' } });
    const first = await harness.connectedClient(url);
    const second = await harness.connectedClient(url);
    const created = await first.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
    if (!created.ok) throw new Error('room:create failed');
    for (const client of [first, second]) {
      const joined = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
      if (!joined.ok) throw new Error('join failed');
      expect(joined.iceTransportPolicy).toBe('relay');
      expect(joined.iceServers[1]?.username).toMatch(new RegExp(`^\\d+:${joined.selfId}$`));
    }
  });

  it('hands out the policy "all" unless told otherwise', async () => {
    expect(peerIceConfigFor({ staticServers: [] }, 'peer-1')).toEqual({ iceServers: [], iceTransportPolicy: 'all' });
    const { url } = await harness.startServer({ ice: ICE });
    const client = await harness.connectedClient(url);
    const created = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
    if (!created.ok) throw new Error('room:create failed');
    const joined = await client.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    if (!joined.ok) throw new Error('join failed');
    expect(joined.iceTransportPolicy).toBe('all');
  });
});
