import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, outcome, withTimeout, type Client } from './harness.ts';

const harness = new Harness();
afterEach(() => harness.closeAll());

const TRANSPORTS = ['websocket', 'polling'] as const;


function connectWithOrigin(url: string, transport: (typeof TRANSPORTS)[number], origin?: string): Client {
  return harness.client(url, { transports: [transport], ...(origin === undefined ? {} : { extraHeaders: { origin } }) });
}

/** The status of a raw handshake request (polling GET, or WebSocket upgrade) with these headers. */
function rawHandshake(url: string, transport: (typeof TRANSPORTS)[number], headers: Record<string, string>): Promise<number> {
  const upgrade =
    transport === 'websocket'
      ? { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }
      : {};
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = request(`${url}/socket.io/?EIO=4&transport=${transport}`, { headers: { ...upgrade, ...headers } });
      req.once('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
      req.end();
    }),
    `raw ${transport} handshake`,
  );
}

describe('handshake origin', () => {
  for (const transport of TRANSPORTS) {
    it(`refuses a ${transport} handshake from a foreign origin, and opens no connection for it`, async () => {
      const { url, io } = await harness.startServer();
      for (const origin of ['https://evil.example', 'http://127.0.0.1.evil.example', 'null', `${url}.evil.example`]) {
        expect(await outcome(connectWithOrigin(url, transport, origin)), origin).toBe('refused');
      }
      const port = new URL(url).port;
      expect(await rawHandshake(url, transport, { origin: 'https://evil.example' })).toBe(transport === 'polling' ? 403 : 400);
      // Same host name, another port: another origin.
      expect(await rawHandshake(url, transport, { origin: `http://127.0.0.1:${Number(port) + 1}` })).not.toBe(transport === 'polling' ? 200 : 101);
      expect(io.of('/').sockets.size).toBe(0);
      expect(io.engine.clientsCount).toBe(0);
    });

    it(`accepts a ${transport} handshake from its own origin, from listed origins, and without an Origin header`, async () => {
      const { url } = await harness.startServer({ allowedOrigins: ['https://app.example.net'] });
      for (const origin of [url, 'https://app.example.net', undefined]) {
        expect(await outcome(connectWithOrigin(url, transport, origin)), String(origin)).toBe('connected');
      }
      expect(await outcome(connectWithOrigin(url, transport, 'https://other.example.net')), 'unlisted').toBe('refused');
    });
  }

  it('compares the origin with the Host header the request was sent with (as behind a proxy passing Host)', async () => {
    const { url } = await harness.startServer();
    for (const transport of TRANSPORTS) {
      const ok = transport === 'polling' ? 200 : 101;
      expect(await rawHandshake(url, transport, { host: 'pixeldrop.example.net', origin: 'https://pixeldrop.example.net' })).toBe(ok);
      expect(await rawHandshake(url, transport, { host: 'pixeldrop.example.net:443', origin: 'https://pixeldrop.example.net' })).toBe(ok);
      expect(await rawHandshake(url, transport, { host: 'pixeldrop.example.net', origin: 'https://evil.example' })).not.toBe(ok);
    }
  });
});
