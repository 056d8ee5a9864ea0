/**
 * Two pages joined by a bare RTCPeerConnection (page/raw-channel.ts), with no app and no
 * signaling server: Node hands the offer and answer across with `page.evaluate`. Used to prove
 * that WebRTC works in this environment and, by the benchmark, to measure the channel ceiling
 * and the baselines between the same kind of pages the app runs in.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { openPeerPage, type PeerPage } from './chromium.ts';
import { emulatePath, type EmulatedPath } from './emulated-path.ts';
import { pageScript } from './page-script.ts';
import type * as RawChannel from './page/raw-channel.ts';

declare global {
  interface Window {
    rawChannel: typeof RawChannel;
  }
}

const PAGE_SOURCE = new URL('./page/raw-channel.ts', import.meta.url);
const CONNECT_TIMEOUT_MS = 15_000;

const INDEX_HTML = `<!doctype html><meta charset="utf-8"><title>raw channel</title>
<p>Bench page: a bare RTCPeerConnection (test/e2e/harness/page/raw-channel.ts).</p>
<script src="/raw-channel.js"></script><script>document.title = 'ready';</script>`;

export interface RawServer {
  url: string;
  /** Serves `body` at `url + path` (e.g. the BMP file the reliable baseline sends). */
  serve(path: string, body: Uint8Array): void;
  close(): Promise<void>;
}

/** A static server on an ephemeral port: the bench page, its script, and files registered with `serve`. */
export async function startRawServer(): Promise<RawServer> {
  const script = pageScript(PAGE_SOURCE, 'rawChannel');
  const files = new Map<string, { type: string; body: string | Uint8Array }>([
    ['/', { type: 'text/html', body: INDEX_HTML }],
    ['/raw-channel.js', { type: 'text/javascript', body: script }],
  ]);
  const server: Server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (path, body) => void files.set(path, { type: 'application/octet-stream', body }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface RawPair {
  sender: PeerPage;
  receiver: PeerPage;
  close(): Promise<void>;
}

async function openBenchPage(browser: Browser, server: RawServer, name: string, path?: EmulatedPath): Promise<PeerPage> {
  const peer = await openPeerPage(browser, name);
  if (path) await emulatePath(peer.page, path);
  await peer.page.goto(`${server.url}/`);
  await peer.page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 10_000 });
  return peer;
}

/** Opens two bench pages (optionally over an emulated path) and connects them; resolves once every channel is open. */
export async function connectRawPair(browser: Browser, server: RawServer, path?: EmulatedPath): Promise<RawPair> {
  const sender = await openBenchPage(browser, server, 'sender', path);
  const receiver = await openBenchPage(browser, server, 'receiver', path);
  const close = async () => {
    await sender.context.close();
    await receiver.context.close();
  };
  try {
    const offer = await sender.page.evaluate(() => window.rawChannel.offer());
    const answer = await receiver.page.evaluate((sdp) => window.rawChannel.answer(sdp), offer);
    await sender.page.evaluate((sdp) => window.rawChannel.accept(sdp), answer);
    await Promise.all(
      [sender.page, receiver.page].map((page: Page) =>
        page.evaluate((ms) => window.rawChannel.opened(ms), CONNECT_TIMEOUT_MS),
      ),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { sender, receiver, close };
}
