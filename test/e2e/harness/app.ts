/**
 * The real Pixeldrop: the signaling server (which also serves the built web app) on an ephemeral
 * port in this process, and two Chromium pages that meet the way people do — one creates a room
 * on the landing page, the other opens the link it shows. Helpers drive the app only through
 * what a person sees and the pages' `data-testid`s.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode as decodePng } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { createSignalingServer } from '../../../signaling/app.ts';
import type { IceConfig } from '../../../signaling/ice-config.ts';
import { createLogger } from '../../../signaling/logger.ts';
import { E2E_WEB_DIST } from './build.ts';
import { openPeerPage, type PeerPage } from './chromium.ts';
import type * as TransferWatch from './page/transfer-watch.ts';
import type { PreparePage } from './raw-pair.ts';
import { pageScript } from './page-script.ts';
import { waitUntil } from './wait.ts';

const CONNECT_TIMEOUT_MS = 20_000;
const TRANSFER_WATCH = pageScript(new URL('./page/transfer-watch.ts', import.meta.url), 'transferWatch');

declare global {
  interface Window {
    transferWatch: typeof TransferWatch;
  }
}

export interface AppServer {
  url: string;
  /** The socket.io server, for a test that plays a meddling server. */
  io: ReturnType<typeof createSignalingServer>;
  close(): Promise<void>;
}

export interface AppServerOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** ICE servers and policy handed to peers; default none, as `npm start` without ICE_SERVERS or TURN. */
  ice?: IceConfig;
}

/**
 * The real server, as `npm start` runs it, minus the environment: port 0, logs only at warn,
 * serving the app built into `staticDir` (by default the tests' build).
 */
export async function startAppServer(staticDir = E2E_WEB_DIST, options: AppServerOptions = {}): Promise<AppServer> {
  const host = options.host ?? '127.0.0.1';
  const http = createServer();
  const io = createSignalingServer(http, { staticDir, logger: createLogger('warn'), ...(options.ice ? { ice: options.ice } : {}) });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    io,
    close: async () => {
      // Keep-alive connections from the pages would hold the http server open; io.close() closes it.
      http.closeAllConnections();
      await io.close();
    },
  };
}

export interface AppPair {
  /** Created the room; sends the images in these tests. */
  sender: PeerPage;
  /** Opened the link. */
  receiver: PeerPage;
  roomUrl: string;
  close(): Promise<void>;
}

export interface OpenRoomOptions {
  /** The receiver's browser, when it is not the sender's (e.g. another network namespace). */
  receiverBrowser?: Browser;
  /**
   * Runs on each page before it loads the app: init scripts, listeners, and an emulated access
   * link, which must be in place before the page creates its RTCPeerConnection.
   */
  prepare?: PreparePage;
  /** false: return once both pages know of each other (`connecting` or `connected`). Default true. */
  waitForConnection?: boolean;
}

/** Landing page → "Create a room" → `/r/<id>`; the second page opens the link shown there; both reach `connected`. */
export async function openRoom(browser: Browser, server: AppServer, options: OpenRoomOptions = {}): Promise<AppPair> {
  const sender = await openPeerPage(browser, 'sender');
  const pages: PeerPage[] = [sender];
  const close = async () => {
    for (const peer of pages) await peer.context.close();
  };
  try {
    await options.prepare?.(sender, 'sender');
    await sender.page.goto(server.url);
    await sender.page.getByRole('button', { name: 'Create a room' }).click();
    await sender.page.waitForURL(/\/r\/[^/]+$/, { timeout: 10_000 });
    const roomUrl = (await sender.page.getByTestId('room-link').textContent({ timeout: 10_000 }))?.trim() ?? '';
    if (!roomUrl.startsWith(server.url)) throw new Error(`room link ${JSON.stringify(roomUrl)} does not point at ${server.url}`);
    if (roomUrl !== sender.page.url()) throw new Error(`room link ${roomUrl} differs from the room page's own URL ${sender.page.url()}`);

    const receiver = await openPeerPage(options.receiverBrowser ?? browser, 'receiver');
    pages.push(receiver);
    await options.prepare?.(receiver, 'receiver');
    await receiver.page.goto(roomUrl);
    if (options.waitForConnection === false) {
      for (const peer of pages) {
        await waitUntil(() => textOf(peer.page, 'peer-status'), (text) => /connect(ing|ed)/i.test(text), {
          timeoutMs: CONNECT_TIMEOUT_MS,
          what: 'peer-status "connecting" or "connected"',
        });
      }
      return { sender, receiver, roomUrl, close };
    }
    for (const peer of pages) {
      await waitForPeerStatus(peer.page, 'connected', CONNECT_TIMEOUT_MS);
      await peer.page.addScriptTag({ content: TRANSFER_WATCH });
    }
    return { sender, receiver, roomUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The text of the first element with this testid, or '' when there is none yet (does not wait). */
export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.locator(`[data-testid="${testId}"]`).allTextContents())[0] ?? '';
}

export async function waitForPeerStatus(page: Page, status: 'waiting' | 'connecting' | 'connected', timeoutMs: number): Promise<void> {
  await waitUntil(
    () => textOf(page, 'peer-status'),
    (text) => text.toLowerCase().includes(status),
    { timeoutMs, what: `peer-status "${status}"` },
  );
}

/** Files handed to the file picker live in a temporary directory (Chromium reads big files from disk faster than over the protocol). */
export class FileStage {
  private readonly dir = mkdtempSync(join(tmpdir(), 'pixeldrop-e2e-'));

  path(name: string, bytes: Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Hands a file to the "Choose image" picker and waits until the app has read it: its details
 * panel (`image-details`) or an `error` names the file (an error left from an earlier file does
 * not count). The app reads files asynchronously; a Send clicked before that would send the
 * previously chosen image.
 */
export async function chooseImage(page: Page, path: string): Promise<'ready' | 'error'> {
  await page.getByLabel('Choose image').setInputFiles(path);
  const name = basename(path);
  return waitUntil(
    async () => {
      if ((await textOf(page, 'image-details')).includes(name)) return 'ready';
      const error = page.getByTestId('error');
      return (await error.isVisible()) && (await textOf(page, 'error')).includes(name) ? 'error' : 'pending';
    },
    (state) => state !== 'pending',
    { timeoutMs: 20_000, what: `the app to read ${name}` },
  ) as Promise<'ready' | 'error'>;
}

export interface SendOptions {
  order?: 'rows' | 'interlaced' | 'scattered';
  /** Simulated loss in percent, applied by the sender before anything reaches the network. */
  lossPct?: number;
  repair: boolean;
  /** The sender's rate limit in MB/s (`opt-rate`); 0, the default, sends as fast as the channel takes it. */
  rateMBps?: number;
}

export async function setSendOptions(page: Page, options: SendOptions): Promise<void> {
  if (options.order) await page.getByTestId('opt-order').selectOption(options.order);
  await page.getByTestId('opt-loss').fill(String(options.lossPct ?? 0));
  await page.getByTestId('opt-repair').setChecked(options.repair);
  await page.getByTestId('opt-rate').fill(String(options.rateMBps ?? 0));
}

export type TransferEnd = 'complete' | 'incomplete' | 'interrupted';

/**
 * Arms the receiver's stopwatch, then clicks Send in the sender page; returns the click's epoch
 * time (both pages share the machine's clock). Send stays disabled until the sender has heard
 * that its previous transfer arrived, which on a lossy path can come a retransmission timeout
 * after the receiver showed it: that is waited for first.
 */
export async function startTransfer(pair: AppPair, readyTimeoutMs = 30_000): Promise<number> {
  await pair.sender.page.waitForFunction(
    () => document.querySelector<HTMLButtonElement>('[data-testid="send-button"]')?.disabled === false,
    undefined,
    { timeout: readyTimeoutMs },
  );
  await pair.receiver.page.evaluate(() => window.transferWatch.watchTransfer());
  return pair.sender.page.evaluate(() => {
    const at = performance.timeOrigin + performance.now();
    const button = document.querySelector<HTMLButtonElement>('[data-testid="send-button"]');
    if (!button || button.disabled) throw new Error('send-button is missing or disabled');
    button.click();
    return at;
  });
}

/**
 * Waits until the transfer started with startTransfer ends in `page`; returns its end state, epoch
 * end time and the longest time the page's count of received packets stood still meanwhile.
 */
export async function waitForTransferEnd(page: Page, timeoutMs: number): Promise<{ state: TransferEnd; endedAt: number; longestStillMs: number }> {
  const times = await waitUntil(
    () => page.evaluate(() => window.transferWatch.transferTimes()),
    (t) => t.endedAt > 0,
    { timeoutMs, what: 'transfer-state to reach complete, incomplete or interrupted' },
  );
  const text = times.endState.toLowerCase();
  // "incomplete" contains "complete": look for the longer words first.
  const state = text.includes('interrupted') ? 'interrupted' : text.includes('incomplete') ? 'incomplete' : 'complete';
  return { state, endedAt: times.endedAt, longestStillMs: times.longestStillMs };
}

export interface Stats {
  sent: number;
  received: number;
  lost: number;
  lossPct: number;
  throughput: number;
  elapsed: number;
  /** Peer connections the packets went over. */
  stripes: number;
  /** The data packets' bytes on the wire as a share of their plain size, in percent. */
  wirePct: number;
}

const STAT_IDS = {
  sent: 'stat-sent',
  received: 'stat-received',
  lost: 'stat-lost',
  lossPct: 'stat-loss-pct',
  throughput: 'stat-throughput',
  elapsed: 'stat-elapsed',
  stripes: 'stat-stripes',
  wirePct: 'stat-wire-pct',
} as const satisfies Record<keyof Stats, string>;

/** The statistics as shown; each testid's text is a number. */
export async function readStats(page: Page): Promise<Stats> {
  const entries = await Promise.all(
    Object.entries(STAT_IDS).map(async ([key, testId]) => {
      const text = ((await page.getByTestId(testId).first().textContent({ timeout: 5_000 })) ?? '').trim();
      // Tolerate grouping separators only; anything else must be a plain number.
      const value = Number(text.replace(/[\s,\u202f]/g, ''));
      if (text === '' || !Number.isFinite(value)) throw new Error(`${testId} shows ${JSON.stringify(text)}, not a number`);
      return [key, value] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as Stats;
}

export interface CanvasPixels {
  width: number;
  height: number;
  /** RGBA, rows top-down, as getImageData returns it. */
  rgba: Uint8Array;
}

/**
 * The receiver's picture (or, with `testId` 'loss-map', its loss map overlay), read back pixel for
 * pixel once the app has painted it whole: the app shows it as strips of canvas (each with its
 * first row in `data-top`), drawn here onto one canvas. An image wider than its place on screen
 * is drawn at the screen's resolution (comparePixels knows how); downloadPicture gives it whole.
 */
export async function readCanvas(page: Page, testId: 'receive-image' | 'loss-map' = 'receive-image'): Promise<CanvasPixels> {
  // The app says when its worker has painted an ended transfer or a view just toggled; the
  // strips show it from the worker's next frame, so give that a few frames.
  await page.locator('[data-testid="receive-image"][data-painted="true"]').waitFor({ state: 'attached', timeout: 10_000 });
  await page.evaluate(async () => {
    for (let frame = 0; frame < 3; frame++) await new Promise(requestAnimationFrame);
  });
  const { width, height, base64 } = await page.getByTestId(testId).evaluate((host) => {
    const strips = [...host.querySelectorAll('canvas')];
    if (strips.length === 0) throw new Error(`${host.dataset.testid} holds no canvas`);
    const width = strips[0]!.width;
    const height = strips.reduce((rows, strip) => rows + strip.height, 0);
    const whole = document.createElement('canvas');
    whole.width = width;
    whole.height = height;
    const context = whole.getContext('2d')!;
    for (const strip of strips) context.drawImage(strip, 0, Number(strip.dataset.top));
    const data = context.getImageData(0, 0, width, height).data;
    // Strings cross the protocol far faster than arrays of numbers; build base64 in slices.
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width, height, base64: btoa(binary) };
  });
  return { width, height, rgba: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/**
 * The receiver's picture at full size, as its Download PNG button saves it: the picture as shown
 * (concealed when that view is on), missing pixels transparent.
 */
export async function downloadPicture(page: Page): Promise<CanvasPixels> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-png').click()]);
  const png = decodePng(readFileSync(await download.path()));
  if (png.channels !== 4 || png.depth !== 8) throw new Error(`the PNG has ${png.channels} channels of ${png.depth} bits`);
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}
