import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness, EVENT_TIMEOUT_MS } from './harness.ts';

const harness = new Harness();
let staticDir: string;
const INDEX_HTML = '<!doctype html><title>Pixeldrop test app</title>';
const METRICS_TOKEN = 'scraper-token-0123456789';
const withToken = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };

beforeEach(() => {
  staticDir = mkdtempSync(join(tmpdir(), 'pixeldrop-static-'));
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(staticDir, 'app.js'), 'console.log("app")');
});
afterEach(async () => {
  await harness.closeAll();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('HTTP routes', () => {
  it('serves the web app, and index.html for SPA routes such as /r/<roomId>', async () => {
    const { url } = await harness.startServer({ staticDir });
    for (const path of ['/', '/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(await res.text(), path).toBe(INDEX_HTML);
    }
    const script = await fetch(`${url}/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers GET /healthz with JSON', async () => {
    const { url } = await harness.startServer({ staticDir });
    await harness.connectedClient(url);
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ ok: true, connections: 1, rooms: 0, redis: 'disabled' });
  });

  it('exposes connections, rooms, relayed signals and rejections by code at GET /metrics to the token holder', async () => {
    const { url } = await harness.startServer({ metricsToken: METRICS_TOKEN });
    const one = await harness.connectedClient(url);
    const two = await harness.connectedClient(url);
    const third = await harness.connectedClient(url);
    const created = await one.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:create', {});
    if (!created.ok) throw new Error('room:create failed');
    const a = await one.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    await two.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    await third.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    await third.timeout(EVENT_TIMEOUT_MS).emitWithAck('room:join', { roomId: 'forged' });
    if (!a.ok) throw new Error('join failed');
    await two.timeout(EVENT_TIMEOUT_MS).emitWithAck('signal', { to: a.selfId, data: { type: 'offer', sdp: 'v=0' } });

    const res = await fetch(`${url}/metrics`, withToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm'))?.[1]);
    expect(value('pixeldrop_connections')).toBe(3);
    expect(value('pixeldrop_rooms')).toBe(1);
    expect(value('pixeldrop_rooms_created_total')).toBe(1);
    expect(value('pixeldrop_joins_total')).toBe(2);
    expect(value('pixeldrop_signals_relayed_total')).toBe(1);
    expect(value('pixeldrop_rejections_total{code="ROOM_FULL"}')).toBe(1);
    expect(value('pixeldrop_rejections_total{code="INVALID_ROOM"}')).toBe(1);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('keeps /metrics private: 404 without a configured token (not even the web app answers), 401 without the right one', async () => {
    const closed = await harness.startServer({ staticDir });
    for (const init of [{}, withToken]) {
      const res = await fetch(`${closed.url}/metrics`, init);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('pixeldrop_');
    }

    const { url } = await harness.startServer({ staticDir, metricsToken: METRICS_TOKEN });
    const refusals = [
      {},
      { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } },
      { headers: { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` } },
      { headers: { authorization: `Basic ${Buffer.from(`metrics:${METRICS_TOKEN}`).toString('base64')}` } },
      { headers: { authorization: METRICS_TOKEN } },
    ];
    for (const init of refusals) {
      const res = await fetch(`${url}/metrics`, init);
      expect(res.status, JSON.stringify(init)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('pixeldrop_');
    }
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `bearer  ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^pixeldrop_connections 0$/m);
  });

  it('answers unknown paths with 404 when no web app is configured, and refuses writes', async () => {
    const { url } = await harness.startServer({ staticDir });
    expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(404);
    const bare = await harness.startServer();
    expect((await fetch(`${bare.url}/r/abc`)).status).toBe(404);
  });
});
