/**
 * A distant, lossy path for a page, through Chromium's DevTools network emulation: it reaches
 * the page's WebRTC sockets too, but only sockets made after it is set, so it is set on a fresh
 * page before it opens the app. Latency L on each of two pages gives a round trip of about 4L
 * (each page delays both what it sends and what it receives); loss is random, per packet, on
 * each page.
 */
import type { Page } from 'playwright-core';

export interface EmulatedPath {
  /** Delay each page adds to every packet it sends and to every one it receives, in ms. */
  readonly latencyMs: number;
  /** Packets each page drops, in percent. */
  readonly lossPercent: number;
}

/** 10 ms + 1 % on each page: about 44 ms round trip and 2 % loss end to end, like a busy Wi-Fi. */
export const LOSSY_WIFI: EmulatedPath = { latencyMs: 10, lossPercent: 1 };

export async function emulatePath(page: Page, path: EmulatedPath): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // packetLoss is in the DevTools protocol Chromium speaks, not in every copy of its type definitions.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: path.latencyMs,
    downloadThroughput: -1,
    uploadThroughput: -1,
    packetLoss: path.lossPercent,
  } as { offline: boolean; latency: number; downloadThroughput: number; uploadThroughput: number });
}
