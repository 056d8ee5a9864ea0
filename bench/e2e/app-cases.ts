/**
 * Pixeldrop itself, through the real app, server and room link (test/e2e/harness/app.ts). The
 * stopwatch starts in the sender page when Send is clicked and stops in the receiver page when
 * `transfer-state` shows the end (the harness's transfer-watch), both on the same machine clock.
 */
import type { Page } from 'playwright-core';
import { readCanvas, startTransfer, waitForTransferEnd, type AppPair, type TransferEnd } from '../../test/e2e/harness/app.ts';
import { pageScript } from '../../test/e2e/harness/page-script.ts';
import { comparePixels, type SourceImage } from '../../test/e2e/harness/pixels.ts';
import { waitUntil } from '../../test/e2e/harness/wait.ts';
import { mbPerSecond } from '../measure.ts';
import type * as ReceiverProbe from './page/receiver-probe.ts';

declare global {
  interface Window {
    receiverProbe: typeof ReceiverProbe;
  }
}

const PROBE = pageScript(new URL('./page/receiver-probe.ts', import.meta.url), 'receiverProbe');

/** Adds the probe to the receiver page (again after any reload). */
export async function installProbe(page: Page): Promise<void> {
  await page.addScriptTag({ content: PROBE });
}

/** The first Adam7 pass of `source` (every 8th pixel of every 8th row), RGBA in pass order, base64. */
export function coarsePass(source: SourceImage): string {
  const columns = Math.ceil(source.width / 8);
  const rows = Math.ceil(source.height / 8);
  const out = new Uint8Array(columns * rows * 4);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const from = (row * 8 * source.width + column * 8) * 4;
      out.set(source.rgba.subarray(from, from + 4), (row * columns + column) * 4);
    }
  }
  return Buffer.from(out).toString('base64');
}

export interface AppRun {
  /** Send clicked → receiver shows the end state. */
  ms: number;
  /** Pixel bytes (the BMP's pixel data without row padding) per second. */
  mbPerSecond: number;
  endState: TransferEnd;
  /** Longest time the receiver's count of packets stood still during the transfer. */
  longestStillMs: number;
  /** Send clicked → first Adam7 pass complete on the canvas, when asked for. */
  coarseMs?: number;
  health?: { longestTaskMs: number; longTaskCount: number; peakHeapBytes: number };
}

export interface RunOptions {
  pixelBytes: number;
  timeoutMs: number;
  /** Base64 of the coarse pass (coarsePass), to time the first coarse picture. */
  coarse?: { width: number; height: number; expected: string };
  health?: boolean;
}

/** One transfer of the image already chosen in the sender page, with the options already set. */
export async function measureAppTransfer(pair: AppPair, options: RunOptions): Promise<AppRun> {
  const receiver = pair.receiver.page;
  if (options.coarse) {
    const { width, height, expected } = options.coarse;
    await receiver.evaluate(([w, h, e]) => window.receiverProbe.watchCoarse(w, h, e), [width, height, expected] as const);
  }
  if (options.health) await receiver.evaluate(() => window.receiverProbe.watchHealth());

  const startedAt = await startTransfer(pair);
  const { state, endedAt, longestStillMs } = await waitForTransferEnd(receiver, options.timeoutMs);
  const ms = endedAt - startedAt;
  const run: AppRun = { ms, mbPerSecond: mbPerSecond(options.pixelBytes, ms), endState: state, longestStillMs };
  if (options.coarse) {
    const coarse = await waitUntil(
      () => receiver.evaluate(() => window.receiverProbe.coarseResult()),
      (c) => c.coarseAt > 0 || c.error !== '',
      { timeoutMs: 5_000, what: 'the coarse picture to be complete' },
    );
    if (coarse.error) throw new Error(coarse.error);
    run.coarseMs = coarse.coarseAt - startedAt;
  }
  if (options.health) {
    run.health = await receiver.evaluate(([from, to]) => window.receiverProbe.healthResult(from, to), [startedAt, endedAt] as const);
  }
  return run;
}

/** Throws unless the receiver's canvas equals the source pixel for pixel. */
export async function assertExact(pair: AppPair, source: SourceImage, what: string): Promise<void> {
  const comparison = comparePixels(await readCanvas(pair.receiver.page), source);
  if (comparison.differing > 0) {
    throw new Error(`${what}: ${comparison.differing} of ${comparison.total} pixels differ, first ${JSON.stringify(comparison.firstDifference)}`);
  }
}
