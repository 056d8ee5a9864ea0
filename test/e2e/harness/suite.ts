/**
 * The shared shape of every app test file: one Chromium and one real server per file; every room
 * a test opens is screenshotted (both pages) and closed after the test; any real packet loss is
 * removed even when the test failed half-way.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { FileStage, openRoom, startAppServer, type AppPair, type AppServer } from './app.ts';
import { saveScreenshot } from './artifacts.ts';
import { launchChromium } from './chromium.ts';
import type { EmulatedPath } from './emulated-path.ts';
import { clearPacketLoss } from './packet-loss.ts';

export interface AppSuite {
  /** Where the files handed to the file picker are written. */
  stage: FileStage;
  /** Opens a room with two connected pages through the real link, optionally over an emulated path. */
  room(path?: EmulatedPath): Promise<AppPair>;
}

export function appSuite(): AppSuite {
  let browser: Browser | undefined;
  let server: AppServer | undefined;
  let pairs: AppPair[] = [];
  const stage = new FileStage();

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startAppServer();
  });

  afterEach(async (context) => {
    clearPacketLoss();
    for (const [index, pair] of pairs.entries()) {
      const suffix = pairs.length > 1 ? `-${index + 1}` : '';
      for (const [role, peer] of [['sender', pair.sender], ['receiver', pair.receiver]] as const) {
        // A test may have closed a page on purpose (a peer leaving mid-transfer).
        if (!peer.page.isClosed()) await saveScreenshot(peer.page, context.task.name, `end-${role}${suffix}`);
        if (peer.errors.length) console.log(`${context.task.name}: ${peer.errors.join('\n')}`);
      }
      await pair.close();
    }
    pairs = [];
  });

  afterAll(async () => {
    await server?.close();
    await browser?.close();
    stage.remove();
  });

  return {
    stage,
    room: async (path) => {
      if (!browser || !server) throw new Error('appSuite: room() called outside a test');
      const pair = await openRoom(browser, server, path);
      pairs.push(pair);
      return pair;
    },
  };
}
