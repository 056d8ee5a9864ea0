/**
 * The verification code on real pages: the same six digits on both sides of a real pair, and
 * a meddling server that puts a page of its own in the middle (two RTCPeerConnections relaying
 * every data channel message) cannot make the pages show a code.
 */
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { PeerId, SignalData } from '../../shared/events.ts';
import { openRoom, startAppServer, textOf, type AppPair, type AppServer } from './harness/app.ts';
import { saveScreenshot } from './harness/artifacts.ts';
import { launchChromium, openPeerPage, type PeerPage } from './harness/chromium.ts';
import type * as Mitm from './harness/page/mitm.ts';
import { pageScript } from './harness/page-script.ts';
import { waitUntil } from './harness/wait.ts';

declare global {
  interface Window {
    mitm: typeof Mitm;
  }
}

const MITM = pageScript(new URL('./harness/page/mitm.ts', import.meta.url), 'mitm');

let browser: Browser;
let server: AppServer;
let pair: AppPair | undefined;
let middle: PeerPage | undefined;
/** While set, every signal a page sends goes to this instead of the other page. */
let intercept: ((from: PeerId, to: PeerId, data: SignalData) => void) | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startAppServer();
  server.io.on('connection', (socket: Socket) => {
    socket.use(([event, payload, ack], next) => {
      if (event !== 'signal' || !intercept) return next();
      const { to, data } = payload as { to: PeerId; data: SignalData };
      intercept(socket.id, to, data);
      (ack as (res: { ok: true }) => void)({ ok: true });
    });
  });
});

afterEach(async (context) => {
  intercept = undefined;
  if (pair) {
    for (const [role, peer] of [['creator', pair.sender], ['joiner', pair.receiver]] as const) {
      if (!peer.page.isClosed()) await saveScreenshot(peer.page, context.task.name, `end-${role}`);
    }
    await pair.close();
    pair = undefined;
  }
  await middle?.context.close();
  middle = undefined;
});

afterAll(async () => {
  await server?.close();
  await browser?.close();
});

async function codeOrError(page: Page): Promise<string> {
  return waitUntil(
    async () => (await textOf(page, 'verification-error')) || (await textOf(page, 'verification-code')),
    (text) => text !== '' && text !== '…',
    { timeoutMs: 10_000, what: 'a verification code or error' },
  );
}

it('shows the same six-digit code on both pages of a real pair', async () => {
  pair = await openRoom(browser, server);
  const codes = [await codeOrError(pair.sender.page), await codeOrError(pair.receiver.page)];
  expect(codes[0]).toMatch(/^\d{3} \d{3}$/);
  expect(codes[1]).toBe(codes[0]);
  expect(await textOf(pair.sender.page, 'verification-error')).toBe('');
});

it('a server in the middle relaying both connections through a page of its own gets no code shown, only an error', async ({ task }) => {
  middle = await openPeerPage(browser, 'middle');
  const relay = middle.page;
  const ids: { offerer?: PeerId; answerer?: PeerId } = {};
  await relay.exposeFunction('mitmSignalOut', (side: Mitm.Side, data: SignalData) => {
    // What the middle says to one person arrives as if from the other.
    const [to, from] = side === 'offerer' ? [ids.offerer, ids.answerer] : [ids.answerer, ids.offerer];
    if (to && from) server.io.to(to).emit('signal', { from, data });
  });
  await relay.setContent('<title>middle</title>');
  await relay.addScriptTag({ content: MITM });
  intercept = (from, to, data) => {
    // The newcomer offers first: it is the offerer, the room's creator the answerer.
    if (!ids.offerer && data.type === 'offer') Object.assign(ids, { offerer: from, answerer: to });
    const side: Mitm.Side = from === ids.offerer ? 'offerer' : 'answerer';
    void relay.evaluate(({ side, data }) => window.mitm.signal(side, data), { side, data }).catch(() => {});
  };

  pair = await openRoom(browser, server);
  const relayed = await relay.evaluate(() => window.mitm.relayed);
  expect(relayed.offerer).toBeGreaterThan(0);
  expect(relayed.answerer).toBeGreaterThan(0);
  const [creator, joiner] = [await codeOrError(pair.sender.page), await codeOrError(pair.receiver.page)];
  await saveScreenshot(pair.sender.page, task.name, 'creator-verification');
  await saveScreenshot(pair.receiver.page, task.name, 'joiner-verification');
  console.log(`through the middle: creator shows "${creator}"; joiner shows "${joiner}"`);
  for (const text of [creator, joiner]) {
    expect(text).toContain('Verification failed');
    expect(text).not.toMatch(/^\d{3} \d{3}$/);
  }
  // Both are connected, each to the middle, and neither sees the other's certificate.
  const seen = await relay.evaluate(() => window.mitm.fingerprints());
  expect(seen.offerer).not.toBe(seen.answerer);
  expect(await textOf(pair.sender.page, 'peer-status')).toContain('connected');
  expect(await textOf(pair.receiver.page, 'peer-status')).toContain('connected');
});
