/** Two pages join through the real link the app shows. */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openRoom, startAppServer, waitForPeerStatus, type AppPair, type AppServer } from './harness/app.ts';
import { saveScreenshot } from './harness/artifacts.ts';
import { launchChromium, openPeerPage, type PeerPage } from './harness/chromium.ts';

let browser: Browser;
let server: AppServer;
let pair: AppPair | undefined;
let alone: PeerPage | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startAppServer();
});

afterEach(async (context) => {
  if (alone) {
    await saveScreenshot(alone.page, context.task.name, 'alone');
    await alone.context.close();
    alone = undefined;
  }
  if (pair) {
    await saveScreenshot(pair.sender.page, context.task.name, 'sender');
    await saveScreenshot(pair.receiver.page, context.task.name, 'receiver');
    await pair.close();
    pair = undefined;
  }
});

afterAll(async () => {
  await server?.close();
  await browser?.close();
});

it('waits alone in a fresh room, then connects when a second page opens the link', async ({ task }) => {
  alone = await openPeerPage(browser, 'creator');
  await alone.page.goto(server.url);
  await alone.page.getByRole('button', { name: 'Create a room' }).click();
  await alone.page.waitForURL(/\/r\/[^/]+$/, { timeout: 10_000 });
  await waitForPeerStatus(alone.page, 'waiting', 10_000);
  await saveScreenshot(alone.page, task.name, 'waiting');
  await alone.context.close();
  alone = undefined;

  pair = await openRoom(browser, server);
  expect(pair.roomUrl).toMatch(new RegExp(`^${server.url}/r/[A-Za-z0-9_-]{22,}$`));
  expect(pair.receiver.page.url()).toBe(pair.roomUrl);
  expect(pair.sender.errors).toEqual([]);
  expect(pair.receiver.errors).toEqual([]);
});
