/**
 * A hostile page in the room: a real app page whose data channels the test uses to send raw
 * bytes (harness/page/hostile-peer.ts), over a real RTCPeerConnection. The page under attack
 * keeps working, keeps its memory, and says what it refused.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  CancelOrigin,
  CancelReason,
  encodeControlMessage,
  encodeDataPacket,
  encodeManifest,
} from '../../shared/protocol/index.ts';
import {
  chooseImage,
  FileStage,
  openRoom,
  readCanvas,
  setSendOptions,
  startAppServer,
  startTransfer,
  textOf,
  waitForTransferEnd,
  type AppPair,
  type AppServer,
} from './harness/app.ts';
import { plainManifest } from '../shared/transfer/arbitraries.ts';
import { saveScreenshot } from './harness/artifacts.ts';
import { launchChromium, type PeerPage } from './harness/chromium.ts';
import type * as HostilePeer from './harness/page/hostile-peer.ts';
import { pageScript } from './harness/page-script.ts';
import { photoBmp } from './harness/photos.ts';
import { comparePixels, decodeSource } from './harness/pixels.ts';
import { waitUntil } from './harness/wait.ts';

declare global {
  interface Window {
    hostilePeer: typeof HostilePeer;
  }
}

const HOSTILE_PEER = pageScript(new URL('./harness/page/hostile-peer.ts', import.meta.url), 'hostilePeer');

/** The second page of the room becomes the hostile one: its channels are captured before the app runs. */
async function hostileReceiver(peer: PeerPage, role: 'sender' | 'receiver'): Promise<void> {
  if (role === 'receiver') await peer.page.addInitScript({ content: HOSTILE_PEER });
}
const MiB = 1024 * 1024;
/**
 * The attacked page's JS heap plus ArrayBuffer backing stores, after a garbage collection, once
 * the attack is over. One image of the largest size the limits accept (2^25 pixels: 96 MiB
 * native, 128 MiB RGBA) may be held while it is shown; a thousand of them would be 224 GiB.
 */
const MEMORY_BOUND_BYTES = 400 * MiB;
/** Once a small real image has replaced the forged one, nothing of the attack is left. */
const MEMORY_AFTER_BOUND_BYTES = 64 * MiB;
/** Forged ids far above the real sender's, which counts from 1. */
const FORGED_ID = 1_000_000;

let browser: Browser;
let server: AppServer;
let pair: AppPair | undefined;
const stage = new FileStage();

beforeAll(async () => {
  browser = await launchChromium({ extraArgs: ['--enable-precise-memory-info'] });
  server = await startAppServer();
});

afterEach(async (context) => {
  if (!pair) return;
  await saveScreenshot(pair.sender.page, context.task.name, 'end-attacked');
  await saveScreenshot(pair.receiver.page, context.task.name, 'end-hostile');
  await pair.close();
  pair = undefined;
});

afterAll(async () => {
  await server?.close();
  await browser?.close();
  stage.remove();
});

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** JS heap and ArrayBuffer backing stores of `page` after a full garbage collection. */
async function memoryOf(page: Page): Promise<{ heap: number; buffers: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
    return { heap: usage.usedSize, buffers: usage.backingStorageSize ?? 0 };
  } finally {
    await cdp.detach();
  }
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

it('a hostile peer floods the page; it refuses, stays small, shows the refusals, and a real image still arrives exact', async ({ task }) => {
  // The room's creator is the page under attack; the page that joins plays the hostile peer.
  pair = await openRoom(browser, server, { prepare: hostileReceiver });
  const attacked = pair.sender.page;
  const hostile = pair.receiver.page;
  const before = await memoryOf(attacked);

  // 1,000 manifests at the pixel limit (2^13 × 2^12 = 2^25 pixels, 224 MiB of receiver each).
  const manifests = Array.from({ length: 1000 }, (_, i) => base64(encodeManifest(plainManifest(FORGED_ID + i, 2 ** 13, 2 ** 12))));
  // Far beyond the limit: refused before anything is allocated.
  manifests.push(base64(encodeManifest(plainManifest(FORGED_ID + 5000, 2 ** 20, 2 ** 20))));
  expect(await hostile.evaluate((m) => window.hostilePeer.sendBinary('control', m), manifests)).toBe(1001);

  const forged = [
    // Out of range for the one transfer the page took.
    encodeDataPacket({ transferId: FORGED_ID, sequence: 2 ** 31, payload: new Uint8Array(1140) }),
    encodeDataPacket({ transferId: FORGED_ID, sequence: 1e6, payload: new Uint8Array(10) }),
    // For transfers that never come: held briefly, bounded, then dropped.
    ...Array.from({ length: 64 }, (_, i) => encodeDataPacket({ transferId: 7_000_000 + i, sequence: i, payload: new Uint8Array(1140) })),
    // Not packets at all.
    new Uint8Array([0xff, 0xff, 0, 0]),
    new Uint8Array(1500),
  ].map(base64);
  await hostile.evaluate((m) => window.hostilePeer.sendBinary('packets', m, 300), forged);
  // Text: `new Uint8Array("1000000000")` would be a gigabyte.
  await hostile.evaluate(() => window.hostilePeer.sendText('control', '1000000000', 100));
  await hostile.evaluate(() => window.hostilePeer.sendText('packets', '1000000000', 100));
  // Control noise: forged receipts and progress for transfers that do not exist.
  const noise = [
    encodeControlMessage({ type: 'receipt', transferId: 42, round: 0, received: 1, missing: Uint32Array.of(1, 2, 3) }),
    encodeControlMessage({ type: 'end-of-pass', transferId: FORGED_ID + 77, round: 0, sent: 5, simulatedDrops: new Uint32Array(0) }),
    new Uint8Array([1, 99, 0, 0]),
  ].map(base64);
  await hostile.evaluate((m) => window.hostilePeer.sendBinary('control', m, 100), noise);

  // Counted: 100 texts and 100 undecodable messages on the reliable control channel; on the
  // unreliable packet channel, which may lose a few, 100 texts and 2 undecodable packets per
  // round of 300. Forged receipts and passes for transfers that do not exist are ignored.
  const expectedMalformed = 200 + 0.9 * (100 + 300 * 2);
  const expectedStray = 0.9 * 300 * 64;
  const count = (text: string, what: string) => Number((new RegExp(`([\\d,]+) ${what}`).exec(text)?.[1] ?? '0').replace(/,/g, ''));
  const refusals = await waitUntil(
    () => textOf(attacked, 'peer-refusals'),
    (text) => count(text, 'malformed messages') >= expectedMalformed && count(text, 'stray packets') >= expectedStray,
    { timeoutMs: 20_000, what: 'the attacked page to show what it refused' },
  );
  console.log(`attacked page shows: ${refusals}`);
  await saveScreenshot(attacked, task.name, 'attacked-refusals');
  expect(refusals).toContain('1,000 transfers (999 while another was arriving)');
  expect(count(refusals, 'malformed messages')).toBeLessThanOrEqual(200 + 100 + 300 * 2);
  expect(await textOf(attacked, 'peer-status')).toContain('connected');

  // The hostile peer gives up its transfer (a forged cancel), so the slot is free again.
  const cancel = base64(encodeControlMessage({ type: 'cancel', transferId: FORGED_ID, origin: CancelOrigin.SENDER, reason: CancelReason.USER }));
  await hostile.evaluate((m) => window.hostilePeer.sendBinary('control', m), [cancel]);
  await waitUntil(() => textOf(attacked, 'transfer-state'), (t) => t.includes('interrupted'), {
    timeoutMs: 10_000,
    what: 'the forged transfer to end as interrupted',
  });
  const attackedMemory = await memoryOf(attacked);
  console.log(
    `attacked page memory after a GC: JS heap ${mib(before.heap)} before, ${mib(attackedMemory.heap)} after the attack; ` +
      `ArrayBuffers ${mib(before.buffers)} before, ${mib(attackedMemory.buffers)} after (the one forged image still shown)`,
  );
  expect(attackedMemory.heap + attackedMemory.buffers).toBeLessThan(MEMORY_BOUND_BYTES);

  // A real image from the same page, through its app, arrives pixel-exact.
  const bmp = photoBmp('coffee', 320, 240);
  expect(await chooseImage(hostile, stage.path('coffee-320x240.bmp', bmp))).toBe('ready');
  await setSendOptions(hostile, { repair: true });
  await startTransfer({ ...pair, sender: pair.receiver, receiver: pair.sender });
  expect((await waitForTransferEnd(attacked, 30_000)).state).toBe('complete');
  const comparison = comparePixels(await readCanvas(attacked), decodeSource(bmp));
  expect(comparison.firstDifference).toBeUndefined();
  expect(comparison.differing).toBe(0);
  const after = await memoryOf(attacked);
  console.log(`attacked page memory after the real transfer: JS heap ${mib(after.heap)}, ArrayBuffers ${mib(after.buffers)}`);
  expect(after.heap + after.buffers).toBeLessThan(MEMORY_AFTER_BOUND_BYTES);
  expect(pair.sender.errors).toEqual([]);
});

it('a second image while the first is arriving is refused as busy, and the sender says why', async () => {
  pair = await openRoom(browser, server, { prepare: hostileReceiver });
  const attacked = pair.sender.page;
  const hostile = pair.receiver.page;
  // A forged transfer holds the attacked page's one slot; the hostile page's own app then sends a real image.
  await hostile.evaluate((m) => window.hostilePeer.sendBinary('control', m), [base64(encodeManifest(plainManifest(FORGED_ID, 64, 64)))]);
  await waitUntil(() => textOf(attacked, 'transfer-state'), (t) => t.includes('receiving'), { timeoutMs: 10_000, what: 'the forged transfer to start' });
  const bmp = photoBmp('coffee', 64, 48);
  expect(await chooseImage(hostile, stage.path('coffee-64x48.bmp', bmp))).toBe('ready');
  await hostile.getByTestId('send-button').click();
  await waitUntil(() => textOf(hostile, 'transfer-state'), (t) => t.includes('interrupted'), { timeoutMs: 10_000, what: 'the refused send to end' });
  const line = (await hostile.locator('[data-testid="transfer-state"]').locator('..').textContent()) ?? '';
  expect(line).toContain('still receiving another image');
  await waitUntil(() => textOf(attacked, 'peer-refusals'), (t) => t.includes('1 transfer (1 while another was arriving)'), {
    timeoutMs: 5_000,
    what: 'the attacked page to show the busy refusal',
  });
});
