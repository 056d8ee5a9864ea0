/**
 * The ceiling and the two alternatives, between two bench pages joined by a bare
 * RTCPeerConnection (test/e2e/harness/raw-pair.ts). Each function measures one run. The ceiling
 * itself is the harness's (raw-measure.ts), which the path tests use too.
 */
import { receiverCounter, unreliableSettled } from '../../test/e2e/harness/raw-measure.ts';
import type { RawPair } from '../../test/e2e/harness/raw-pair.ts';
import { waitUntil } from '../../test/e2e/harness/wait.ts';
import { mbPerSecond } from '../measure.ts';

export { measureCeiling, PACKET_BYTES, type CeilingRun } from '../../test/e2e/harness/raw-measure.ts';

/** A position (x, y as uint16) and RGBA: the classic demo's datagram, packed instead of pickled. */
const CLASSIC_MESSAGE_BYTES = 8;
const FULL_HD_PIXELS = 1920 * 1080;

export interface ClassicRun {
  pixelsPerSecond: number;
  lossPct: number;
  /** How long a 1920×1080 image would take at this rate. */
  projectedFullHdSeconds: number;
}

export async function measureClassic(pair: RawPair, pixels: number): Promise<ClassicRun> {
  await pair.receiver.page.evaluate(() => window.rawChannel.resetCounters());
  const startedAt = await pair.sender.page.evaluate(([count, width]) => window.rawChannel.sendPixels(count, width), [pixels, 1920] as const);
  const counter = await unreliableSettled(pair, 60_000);
  if (counter.bytes !== counter.messages * CLASSIC_MESSAGE_BYTES) throw new Error('classic baseline: unexpected message size');
  const pixelsPerSecond = counter.messages / ((counter.lastAt - startedAt) / 1000);
  return {
    pixelsPerSecond,
    lossPct: (100 * (pixels - counter.messages)) / pixels,
    projectedFullHdSeconds: FULL_HD_PIXELS / pixelsPerSecond,
  };
}

export interface ReliableRun {
  /** From the first chunk handed to the channel to the last byte received. */
  ms: number;
  mbPerSecond: number;
}

/** The file at `url` (served to the sender page) as 64 KB chunks over the reliable ordered channel. */
export async function measureReliable(pair: RawPair, url: string, timeoutMs: number): Promise<ReliableRun> {
  await pair.receiver.page.evaluate(() => window.rawChannel.resetCounters());
  const { startedAt, bytes } = await pair.sender.page.evaluate((fileUrl) => window.rawChannel.sendFileReliable(fileUrl, 64 * 1024), url);
  const counter = await waitUntil(
    () => receiverCounter(pair, 'reliable'),
    (c) => c.bytes >= bytes,
    { timeoutMs, what: `${bytes} bytes on the reliable channel`, intervalMs: 20 },
  );
  const ms = counter.lastAt - startedAt;
  return { ms, mbPerSecond: mbPerSecond(bytes, ms) };
}
