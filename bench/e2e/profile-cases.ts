/**
 * bench:e2e's main table: for each emulated path (test/e2e/harness/path-emulator.ts), Pixeldrop
 * through the real app against the reliable 64 KB-chunk channel and the bare unreliable channel
 * between two bench pages, both pairs connected over that path. What the columns mean:
 * docs/benchmarks.md.
 */
import type { Browser } from 'playwright-core';
import {
  type AppPair,
  type AppServer,
  chooseImage,
  type FileStage,
  openRoom,
  readCanvas,
  readStats,
  setSendOptions,
  startTransfer,
  waitForTransferEnd,
} from '../../test/e2e/harness/app.ts';
import {
  applyPathLoss,
  clearPathLoss,
  countersSince,
  describeLoss,
  overPath,
  pathCounters,
  type PathProfile,
} from '../../test/e2e/harness/path-emulator.ts';
import { photoBmp } from '../../test/e2e/harness/photos.ts';
import { comparePixels, decodeSource, type SourceImage } from '../../test/e2e/harness/pixels.ts';
import { connectRawPair, type RawPair, type RawServer } from '../../test/e2e/harness/raw-pair.ts';
import { waitUntil } from '../../test/e2e/harness/wait.ts';
import { median, printTable } from '../measure.ts';
import { coarsePass, installProbe } from './app-cases.ts';
import { measureCeiling, measureReliable } from './raw-cases.ts';

/** The concealed picture counts as recognisable from this PSNR on. */
export const PSNR_THRESHOLD_DB = 30;
/** The bare channel's sample: enough packets for its loss figure, few enough for a slow path. */
const BARE_BYTES = 1.5e6;
/** Over a lossy path SCTP's retransmission timer can pause the bare stream for seconds. */
const BARE_QUIET_MS = 3_000;

type Order = 'rows' | 'interlaced' | 'scattered';
const SPACER_NAME = 'astronaut-48x48.bmp';

export interface ProfileImages {
  photo: { path: string; source: SourceImage; pixelBytes: number; fileBytes: number; width: number; height: number; url: string };
  /** A small square picture sent before each timed interlaced or scattered run: the canvas then holds another shape, so no stale picture can pass a probe. */
  spacerPath: string;
  spacerName: string;
}

export function makeProfileImages(stage: FileStage, serve: (path: string, body: Uint8Array) => string): ProfileImages {
  const bmp = photoBmp('coffee', 1920, 1080);
  const source = decodeSource(bmp);
  return {
    photo: {
      path: stage.path('coffee-1920x1080.bmp', bmp),
      source,
      pixelBytes: 1920 * 1080 * 3,
      fileBytes: bmp.byteLength,
      width: 1920,
      height: 1080,
      url: serve('/profile-photo.bmp', bmp),
    },
    spacerPath: stage.path(SPACER_NAME, photoBmp('astronaut', 48, 48)),
    spacerName: SPACER_NAME,
  };
}

interface Runs {
  rows: number[];
  interlaced: number[];
  coarse: number[];
  scattered: number[];
  psnr: number[];
  reliable: number[];
  bareMbs: number[];
  bareLoss: number[];
  /** Loss the app's panel shows for each Pixeldrop run, and what the emulator dropped meanwhile (all UDP packets, both ways). */
  shownLoss: number[];
  appliedLoss: number[];
  /** Per Pixeldrop run (every order): the longest time the receiver's count of packets stood still. */
  still: number[];
}

export interface ProfileResult {
  profile: PathProfile;
  runs: Runs;
  capMs: number;
}

function lossPct(counters: { passed: number; dropped: number }): number {
  const total = counters.passed + counters.dropped;
  return total === 0 ? 0 : (100 * counters.dropped) / total;
}

/** Connections made over the profile's path: both pages get their access link before they connect. */
export interface ProfileBenchOptions {
  browser: Browser;
  appServer: AppServer;
  rawServer: RawServer;
  images: ProfileImages;
  runs: number;
  /** A run that has not ended after this long is recorded as over it. */
  capMs: number;
  log: (line: string) => void;
}

/**
 * Measures one profile: fresh pairs over its path, then `runs` rounds of the five cases, each
 * capped. A case whose median is already over the cap (more than half its runs capped) is not
 * run again.
 */
export async function benchProfile(profile: PathProfile, options: ProfileBenchOptions): Promise<ProfileResult> {
  const { browser, appServer, rawServer, images, runs, capMs, log } = options;
  const photo = images.photo;
  const r: Runs = { rows: [], interlaced: [], coarse: [], scattered: [], psnr: [], reliable: [], bareMbs: [], bareLoss: [], shownLoss: [], appliedLoss: [], still: [] };
  applyPathLoss(profile);
  let app: AppPair | undefined;
  let raw: RawPair | undefined;
  const openApp = async () => {
    app = await openRoom(browser, appServer, { prepare: overPath(profile) });
    await installProbe(app.receiver.page);
    await app.receiver.page.evaluate(
      ([w, h, b]) => window.receiverProbe.setReference(w, h, b),
      [photo.width, photo.height, Buffer.from(photo.source.rgba).toString('base64')] as const,
    );
    // The first transfer after connecting is a case of its own (loopback section); warm up
    // with the small picture, which also brings up the receive view and its toggles.
    await sendSpacer(app);
    await app.receiver.page.getByTestId('toggle-conceal').setChecked(true);
  };
  const openRaw = async () => {
    raw = await connectRawPair(browser, rawServer, overPath(profile));
    await measureCeiling(raw, 200_000, BARE_QUIET_MS, capMs);
  };
  const capped = (values: number[]) => values.filter((v) => v === Number.POSITIVE_INFINITY).length > runs / 2;

  /**
   * The small picture, waited for by its name in the receiver's panel: its 7 packets can all wait
   * for a manifest that SCTP resends, and then land in one task, so the panel goes from the last
   * transfer's "complete" to this one's without a state in between for the transfer watch to see.
   */
  const sendSpacer = async (pair: AppPair): Promise<void> => {
    if ((await chooseImage(pair.sender.page, images.spacerPath)) !== 'ready') throw new Error('the app refused the spacer picture');
    await setSendOptions(pair.sender.page, { order: 'rows', lossPct: 0, repair: true });
    await startTransfer(pair);
    const panel = pair.receiver.page.getByTestId('transfer-state').locator('xpath=..');
    await waitUntil(
      async () => ((await panel.count()) ? ((await panel.textContent()) ?? '') : ''),
      (text) => text.includes(images.spacerName) && /complete|incomplete|interrupted/.test(text),
      { timeoutMs: capMs, what: `the receiver's panel to show ${images.spacerName} ended` },
    );
  };

  /** One capped Pixeldrop run of the photo; the coarse or PSNR moment is kept even when the run hits the cap. */
  const pixeldrop = async (order: Order): Promise<{ ms: number; still: string; markMs?: number; loss?: string }> => {
    if (!app) await openApp();
    const pair = app!;
    if (order !== 'rows') await sendSpacer(pair);
    const receiver = pair.receiver.page;
    if ((await chooseImage(pair.sender.page, photo.path)) !== 'ready') throw new Error('the app refused the photo');
    await setSendOptions(pair.sender.page, { order, lossPct: 0, repair: true });
    if (order === 'interlaced') {
      await receiver.evaluate(([w, h, e]) => window.receiverProbe.watchCoarse(w, h, e), [photo.width, photo.height, coarsePass(photo.source)] as const);
    } else if (order === 'scattered') {
      await receiver.evaluate((db) => window.receiverProbe.watchPsnr(db), PSNR_THRESHOLD_DB);
    }
    const before = pathCounters();
    const startedAt = await startTransfer(pair);
    let ms = Number.POSITIVE_INFINITY;
    let still = '';
    try {
      const end = await waitForTransferEnd(receiver, capMs);
      if (end.state !== 'complete') throw new Error(`${profile.name}: the ${order} transfer ended "${end.state}"`);
      ms = end.endedAt - startedAt;
      r.still.push(end.longestStillMs);
      still = `, still at most ${time(end.longestStillMs)}`;
    } catch (error) {
      if (!String(error).includes('timed out')) throw error;
      r.still.push(capMs);
    }
    const applied = countersSince(before);
    let markMs: number | undefined;
    let loss: string | undefined;
    if (order === 'interlaced') {
      const coarse = await receiver.evaluate(() => window.receiverProbe.coarseResult());
      if (coarse.error) throw new Error(coarse.error);
      markMs = coarse.coarseAt > 0 ? coarse.coarseAt - startedAt : Number.POSITIVE_INFINITY;
    } else if (order === 'scattered') {
      // A run that ended exact has reached any PSNR; give the probe's next reading time to see it.
      const psnr = await waitUntil(
        () => receiver.evaluate(() => window.receiverProbe.psnrResult()),
        (p) => p.psnrAt > 0 || p.error !== '' || ms === Number.POSITIVE_INFINITY,
        { timeoutMs: 5_000, what: `the picture within ${PSNR_THRESHOLD_DB} dB` },
      );
      await receiver.evaluate(() => window.receiverProbe.stopPsnr());
      if (psnr.error) throw new Error(psnr.error);
      markMs = psnr.psnrAt > 0 ? psnr.psnrAt - startedAt : Number.POSITIVE_INFINITY;
    }
    if (ms === Number.POSITIVE_INFINITY) {
      // Over the cap: a fresh room for the next run, so nothing of this one is still on its way.
      await pair.close();
      app = undefined;
    } else {
      const shown = await readStats(receiver);
      r.shownLoss.push(shown.lossPct);
      r.appliedLoss.push(lossPct(applied));
      loss = `app shows ${shown.lossPct.toFixed(2)} %, path dropped ${lossPct(applied).toFixed(2)} %`;
      const comparison = comparePixels(await readCanvas(receiver), photo.source);
      if (comparison.differing > 0) throw new Error(`${profile.name}, ${order}: ${comparison.differing} pixels differ on screen after "complete"`);
    }
    return { ms, still, ...(markMs === undefined ? {} : { markMs }), ...(loss === undefined ? {} : { loss }) };
  };

  const reliable = async (): Promise<number> => {
    if (!raw) await openRaw();
    try {
      return (await measureReliable(raw!, photo.url, capMs)).ms;
    } catch (error) {
      if (!String(error).includes('timed out')) throw error;
      await raw!.close();
      raw = undefined;
      return Number.POSITIVE_INFINITY;
    }
  };

  const time = (value: number | undefined) => (value === undefined ? '—' : value === Number.POSITIVE_INFINITY ? `> ${capMs / 1000} s` : `${(value / 1000).toFixed(2)} s`);
  try {
    for (let run = 0; run < runs; run++) {
      const line: string[] = [];
      if (!capped(r.rows)) {
        const rows = await pixeldrop('rows');
        r.rows.push(rows.ms);
        line.push(`rows ${time(rows.ms)}${rows.still}${rows.loss ? ` (${rows.loss})` : ''}`);
      }
      if (!capped(r.interlaced) || !capped(r.coarse)) {
        const interlaced = await pixeldrop('interlaced');
        r.interlaced.push(interlaced.ms);
        r.coarse.push(interlaced.markMs!);
        line.push(`interlaced ${time(interlaced.ms)}${interlaced.still} (coarse ${time(interlaced.markMs)})`);
      }
      if (!capped(r.scattered) || !capped(r.psnr)) {
        const scattered = await pixeldrop('scattered');
        r.scattered.push(scattered.ms);
        r.psnr.push(scattered.markMs!);
        line.push(`scattered ${time(scattered.ms)}${scattered.still} (${PSNR_THRESHOLD_DB} dB ${time(scattered.markMs)})`);
      }
      if (!capped(r.reliable)) {
        r.reliable.push(await reliable());
        line.push(`reliable ${time(r.reliable.at(-1))}`);
      }
      if (!raw) await openRaw();
      const bare = await measureCeiling(raw!, BARE_BYTES, BARE_QUIET_MS, capMs);
      r.bareMbs.push(bare.mbPerSecond);
      r.bareLoss.push(bare.lossPct);
      line.push(`bare ${bare.mbPerSecond.toFixed(2)} MB/s, ${bare.lossPct.toFixed(1)} % lost`);
      log(`${profile.name} run ${run + 1}/${runs}: ${line.join(', ')}`);
    }
  } finally {
    clearPathLoss();
    await app?.close();
    await raw?.close();
  }
  return { profile, runs: r, capMs };
}

/** The median of the runs there are; over the cap when more than half were. */
function medianOf(values: number[]): number | undefined {
  return values.length === 0 ? undefined : median(values);
}

function seconds(value: number | undefined, capMs: number): string {
  if (value === undefined) return '—';
  return value === Number.POSITIVE_INFINITY ? `> ${capMs / 1000} s` : (value / 1000).toFixed(2);
}

/** How many times faster than the baseline, when both ended within the cap. */
function ratio(baseline: number | undefined, value: number | undefined): string {
  if (baseline === undefined || value === undefined || !Number.isFinite(baseline) || !Number.isFinite(value)) return '—';
  return `${(baseline / value).toFixed(1)}×`;
}

function rateCap(profile: PathProfile): string {
  return profile.upMbps === undefined ? 'none' : `${((profile.upMbps * 1e6) / 8 / 1e6).toFixed(2)} MB/s`;
}

/** Pixel MB/s of the median rows run, and its share of the uplink's cap where there is one. */
function throughput(result: ProfileResult, pixelBytes: number): string {
  const ms = medianOf(result.runs.rows);
  if (ms === undefined || ms === Number.POSITIVE_INFINITY) return '—';
  const mbps = pixelBytes / 1e6 / (ms / 1000);
  const cap = result.profile.upMbps;
  return cap === undefined ? mbps.toFixed(2) : `${mbps.toFixed(2)} (${((100 * mbps) / ((cap * 1e6) / 8 / 1e6)).toFixed(0)} %)`;
}

export function printProfileTables(results: ProfileResult[], pixelBytes: number, runs: number): void {
  const pct = (values: number[]) => (values.length === 0 ? '—' : median(values).toFixed(2));
  printTable(
    `Over emulated paths: full-HD photo (1920×1080), time from Send in seconds (medians of ${runs} runs, same run, ${new Date().toISOString().slice(0, 16)}Z)`,
    ['path', 'round trip', 'uplink cap', 'loss', 'coarse (interlaced)', `${PSNR_THRESHOLD_DB} dB (scattered, concealed)`, 'exact rows', 'exact interlaced', 'exact scattered', 'reliable 64 KB', 'reliable / rows', 'rows MB/s (of cap)', 'longest stand-still (any run)'],
    results.map((result) => {
      const { profile, runs: r, capMs } = result;
      return [
        profile.name,
        profile.roundTripMs ? `${profile.roundTripMs} ms` : '—',
        rateCap(profile),
        describeLoss(profile.loss),
        seconds(medianOf(r.coarse), capMs),
        seconds(medianOf(r.psnr), capMs),
        seconds(medianOf(r.rows), capMs),
        seconds(medianOf(r.interlaced), capMs),
        seconds(medianOf(r.scattered), capMs),
        seconds(medianOf(r.reliable), capMs),
        ratio(medianOf(r.reliable), medianOf(r.rows)),
        throughput(result, pixelBytes),
        r.still.length === 0 ? '—' : seconds(Math.max(...r.still), capMs),
      ];
    }),
  );
  printTable(
    'Loss: what the app showed against what the emulator dropped, and the bare unreliable channel (medians)',
    ['path', 'nominal', 'emulator dropped % (all UDP, during Pixeldrop runs)', 'app shows %', 'bare channel lost %', 'bare channel MB/s'],
    results.map(({ profile, runs: r }) => [
      profile.name,
      describeLoss(profile.loss),
      pct(r.appliedLoss),
      pct(r.shownLoss),
      pct(r.bareLoss),
      pct(r.bareMbs),
    ]),
  );
}
