/**
 * Proves the ground every other browser test stands on: two Chromium pages here connect over
 * RTCDataChannel (which needs a non-loopback interface with a default route) and move data on
 * the unreliable and the reliable channel. When this fails, the app tests cannot tell you why.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { saveScreenshot } from './harness/artifacts.ts';
import { launchChromium } from './harness/chromium.ts';
import { connectRawPair, startRawServer, type RawPair, type RawServer } from './harness/raw-pair.ts';
import { waitUntil } from './harness/wait.ts';

let browser: Browser;
let server: RawServer;
let pair: RawPair | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startRawServer();
});

afterEach(async (context) => {
  if (pair) {
    await saveScreenshot(pair.receiver.page, context.task.name, 'receiver');
    await pair.close();
    pair = undefined;
  }
});

afterAll(async () => {
  await server?.close();
  await browser?.close();
});

it('connects two pages over RTCDataChannel and moves data on both channels', async () => {
  pair = await connectRawPair(browser, server);
  const file = new Uint8Array(300_000).map((_, i) => i * 7);
  server.serve('/file.bin', file);

  // Unreliable: 1 MB of 1,150-byte messages. Even loopback loses a few (kernel receive buffers overflow), so most, not all.
  const sent = Math.ceil(1_000_000 / 1150);
  await pair.sender.page.evaluate(() => window.rawChannel.sendUnreliable(1_000_000, 1150));
  const unreliable = await waitUntil(
    () => pair!.receiver.page.evaluate(() => window.rawChannel.counter('unreliable')),
    (counter) => counter.messages >= sent * 0.9,
    { timeoutMs: 10_000, what: 'unreliable messages to arrive' },
  );
  expect(unreliable.messages).toBeLessThanOrEqual(sent);

  // Reliable and ordered: every byte of the file arrives.
  await pair.sender.page.evaluate((url) => window.rawChannel.sendFileReliable(url, 64 * 1024), `${server.url}/file.bin`);
  const reliable = await waitUntil(
    () => pair!.receiver.page.evaluate(() => window.rawChannel.counter('reliable')),
    (counter) => counter.bytes === file.byteLength,
    { timeoutMs: 10_000, what: 'the reliable file to arrive' },
  );
  expect(reliable.messages).toBe(Math.ceil(file.byteLength / (64 * 1024)));
});
