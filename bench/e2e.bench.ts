/**
 * `npm run bench:e2e` (also run by `npm run bench`): Pixeldrop in real browsers against its
 * alternatives, all measured in this run on this machine. The main table puts the two pairs of
 * pages on emulated internet paths (test/e2e/harness/path-emulator.ts, docs/path-emulation.md);
 * the loopback section measures the machine's own path: the ceiling, the first transfer after
 * connecting, the classic demo. What the cases and columns mean: docs/benchmarks.md.
 *
 * Inside a private network namespace when run as root (it re-runs itself through
 * scripts/run-e2e.mjs), so that WebRTC works headless and the nftables loss stays inside.
 * Environment: BENCH_E2E_PROFILES (paths, default lan,cable,wifi,mobile; also far, bad-wifi;
 * empty for none), BENCH_E2E_RUNS (runs per case, default 5), BENCH_E2E_CAP_S (seconds before a path
 * run is recorded as over the cap, default 60), BENCH_E2E_LOOPBACK=0 (skip the loopback section),
 * BENCH_E2E_LOSS (loopback real-loss percents, default none, e.g. 2,5); medians are printed.
 */
import { type AppPair, chooseImage, FileStage, openRoom, readStats, setSendOptions, startAppServer, waitForTransferEnd } from '../test/e2e/harness/app.ts';
import { buildWebApp } from '../test/e2e/harness/build.ts';
import { launchChromium } from '../test/e2e/harness/chromium.ts';
import { applyPacketLoss, clearPacketLoss, realLossUnavailable } from '../test/e2e/harness/packet-loss.ts';
import { photoBmp } from '../test/e2e/harness/photos.ts';
import { decodeSource } from '../test/e2e/harness/pixels.ts';
import { connectRawPair, startRawServer } from '../test/e2e/harness/raw-pair.ts';
import { assertExact, coarsePass, installProbe, measureAppTransfer } from './e2e/app-cases.ts';
import { runUnderE2eRunner } from '../test/e2e/harness/in-namespace.ts';
import { measureCeiling, measureClassic, measureReliable } from './e2e/raw-cases.ts';
import { benchProfile, makeProfileImages, printProfileTables, type ProfileResult } from './e2e/profile-cases.ts';
import { pathEmulationUnavailable, pathProfiles, type ProfileName } from '../test/e2e/harness/path-emulator.ts';
import type { RawPair } from '../test/e2e/harness/raw-pair.ts';
import { median, printTable } from './measure.ts';

runUnderE2eRunner(import.meta.url);

const RUNS = Number(process.env.BENCH_E2E_RUNS ?? 5);
const DEFAULT_PROFILES: ProfileName[] = ['lan', 'cable', 'wifi', 'mobile'];
/**
 * BENCH_E2E_PROFILES: the emulated paths of the main table (empty for none). The default leaves
 * out far and bad-wifi, whose runs take about a minute each today, to keep the bench near half an hour.
 */
const PROFILES = pathProfiles(process.env.BENCH_E2E_PROFILES, DEFAULT_PROFILES);
/** BENCH_E2E_CAP_S: a profile run that has not ended after this many seconds is recorded as over it. */
const CAP_MS = Number(process.env.BENCH_E2E_CAP_S ?? 60) * 1000;
/** BENCH_E2E_LOOPBACK=0 skips the loopback section (the pages' own path, no emulation). */
const LOOPBACK = process.env.BENCH_E2E_LOOPBACK !== '0';
/** BENCH_E2E_LOSS: loopback real-loss cases, in percent (default none: the profiles cover loss; e.g. 2,5). */
const LOSS_PERCENTS = (process.env.BENCH_E2E_LOSS ?? '').split(',').filter((p) => p.trim() !== '').map(Number);
/** Classic baseline: enough one-pixel messages for a steady rate, far fewer than a whole image. */
const CLASSIC_PIXELS = 200_000;

type Image = Awaited<ReturnType<typeof makeImage>>;

async function makeImage(name: string, width: number, height: number, stage: FileStage) {
  const bmp = photoBmp('coffee', width, height);
  const source = decodeSource(bmp);
  return { name, width, height, bmp, source, path: stage.path(`${name}.bmp`, bmp), pixelBytes: width * height * 3 };
}

/** "2.10× faster" or "1.85× slower": how Pixeldrop's time compares with another's. */
function versus(pixeldropMs: number, otherMs: number, other: string): string {
  return pixeldropMs <= otherMs
    ? `${(otherMs / pixeldropMs).toFixed(2)}× faster than ${other}`
    : `${(pixeldropMs / otherMs).toFixed(2)}× slower than ${other}`;
}

function ms(value: number): string {
  return value.toFixed(0);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

buildWebApp();
const stage = new FileStage();
// Precise heap figures, and gc() so the receiver's heap is measured from a collected state.
const browser = await launchChromium({ extraArgs: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] });
const rawServer = await startRawServer();
const appServer = await startAppServer();
const fullHd = await makeImage('full-hd', 1920, 1080, stage);
const big = await makeImage('4000x3000', 4000, 3000, stage);
rawServer.serve('/full-hd.bmp', fullHd.bmp);
const fullHdUrl = `${rawServer.url}/full-hd.bmp`;
const profileImages = makeProfileImages(stage, (path, body) => {
  rawServer.serve(path, body);
  return `${rawServer.url}${path}`;
});

/** The loopback section's pairs, connected over the pages' own path. */
let raw: RawPair;
let app: AppPair;

/**
 * One Pixeldrop transfer of `image`, timed from Send to the receiver's end state, then checked
 * pixel for pixel on the receiver's canvas (outside the timing): every time is a time to an
 * exact image.
 */
async function pixeldrop(
  image: Image,
  options: { order: 'rows' | 'interlaced'; coarse?: boolean; health?: boolean; timeoutMs?: number },
  pair: AppPair = app,
) {
  if ((await chooseImage(pair.sender.page, image.path)) !== 'ready') throw new Error(`the app refused ${image.name}`);
  await setSendOptions(pair.sender.page, { order: options.order, lossPct: 0, repair: true });
  const run = await measureAppTransfer(pair, {
    pixelBytes: image.pixelBytes,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.coarse ? { coarse: { width: image.width, height: image.height, expected: coarsePass(image.source) } } : {}),
    ...(options.health ? { health: true } : {}),
  });
  if (run.endState !== 'complete') throw new Error(`${image.name}: the transfer ended "${run.endState}"`);
  await assertExact(pair, image.source, image.name);
  return run;
}

/**
 * The first full-HD transfer in a room whose pages have just connected, as a person's first
 * image goes, and the bare channel's first message stream on a fresh connection beside it: SCTP
 * is still in slow start there (docs/benchmarks.md, "The first transfer after connecting").
 */
async function firstAfterConnecting() {
  const fresh = await openRoom(browser, appServer);
  const pixeldropFirst = await (async () => {
    await installProbe(fresh.receiver.page);
    const run = await pixeldrop(fullHd, { order: 'rows' }, fresh);
    return { run, lost: (await readStats(fresh.receiver.page)).lost };
  })().finally(() => fresh.close());
  const freshRaw = await connectRawPair(browser, rawServer);
  const bare = await measureCeiling(freshRaw, fullHd.pixelBytes).finally(() => freshRaw.close());
  return { pixeldrop: pixeldropFirst.run, lost: pixeldropFirst.lost, bare };
}

/** Under real loss a transfer can stall (docs/benchmarks.md): give up on it after this long. */
const LOSSY_TIMEOUT_MS = 120_000;

/**
 * A Pixeldrop transfer under real loss: its time, or LOSSY_TIMEOUT_MS when it has not ended by
 * then — the transfer is cancelled and the run counted at the timeout, a lower bound, so that one
 * stall neither hides in the median nor stops the bench.
 */
async function lossyPixeldrop(image: Image): Promise<{ ms: number; stalled: boolean; stillMs: number }> {
  try {
    const run = await pixeldrop(image, { order: 'rows', timeoutMs: LOSSY_TIMEOUT_MS });
    return { ms: run.ms, stalled: false, stillMs: run.longestStillMs };
  } catch (error) {
    if (!String(error).includes('timed out')) throw error;
    await app.sender.page.getByTestId('cancel-button').click();
    await waitForTransferEnd(app.receiver.page, LOSSY_TIMEOUT_MS);
    return { ms: LOSSY_TIMEOUT_MS, stalled: true, stillMs: LOSSY_TIMEOUT_MS };
  }
}

/** The cases over the pages' own path (no emulation): the ceiling, the first transfer after connecting, the classic demo. */
async function loopback(): Promise<void> {
  raw = await connectRawPair(browser, rawServer);
  app = await openRoom(browser, appServer);
  await installProbe(app.receiver.page);
  try {
    await loopbackCases();
  } finally {
    clearPacketLoss();
    await app.close();
    await raw.close();
  }
}

async function loopbackCases(): Promise<void> {
  // The cases below measure pairs that have sent before: warm both up. The first transfer after
  // connecting has a case of its own (firstAfterConnecting), since the bare channel's is several
  // times slower (docs/benchmarks.md, "The first transfer after connecting").
  await measureCeiling(raw, 10e6);
  await pixeldrop(fullHd, { order: 'rows' });

  // Cases interleave run by run, so that drift in the machine's load hits all of them alike.
  const r = {
    ceilingFullHd: [] as number[], ceilingBig: [] as number[], ceilingLoss: [] as number[],
    fullHd: [] as number[], fullHdMbs: [] as number[],
    big: [] as number[], bigMbs: [] as number[],
    interlaced: [] as number[], coarse: [] as number[], coarseFraction: [] as number[],
    classic: [] as number[], classicLoss: [] as number[], classicProjected: [] as number[],
    reliable: [] as number[], reliableMbs: [] as number[],
    firstMs: [] as number[], firstMbs: [] as number[], firstLost: [] as number[], firstBareMbs: [] as number[], firstBareLoss: [] as number[],
    longestTask: [] as number[], longTasks: [] as number[], peakHeap: [] as number[],
  };
  for (let run = 0; run < RUNS; run++) {
    // The full-HD ceiling is a ~0.4 s measurement: take it before and after Pixeldrop's run,
    // so that each run's ceiling comes from the same moment as the run it is compared with.
    const ceilingBefore = await measureCeiling(raw, fullHd.pixelBytes);
    const one = await pixeldrop(fullHd, { order: 'rows' });
    r.fullHd.push(one.ms);
    r.fullHdMbs.push(one.mbPerSecond);
    const ceilingAfter = await measureCeiling(raw, fullHd.pixelBytes);
    r.ceilingFullHd.push((ceilingBefore.mbPerSecond + ceilingAfter.mbPerSecond) / 2);
    r.ceilingLoss.push((ceilingBefore.lossPct + ceilingAfter.lossPct) / 2);
    r.ceilingBig.push((await measureCeiling(raw, big.pixelBytes)).mbPerSecond);
    const large = await pixeldrop(big, { order: 'rows', health: true, timeoutMs: 120_000 });
    r.big.push(large.ms);
    r.bigMbs.push(large.mbPerSecond);
    r.longestTask.push(large.health!.longestTaskMs);
    r.longTasks.push(large.health!.longTaskCount);
    r.peakHeap.push(large.health!.peakHeapBytes);
    const interlaced = await pixeldrop(fullHd, { order: 'interlaced', coarse: true });
    r.interlaced.push(interlaced.ms);
    r.coarse.push(interlaced.coarseMs!);
    r.coarseFraction.push(interlaced.coarseMs! / interlaced.ms);
    const classic = await measureClassic(raw, CLASSIC_PIXELS);
    r.classic.push(classic.pixelsPerSecond);
    r.classicLoss.push(classic.lossPct);
    r.classicProjected.push(classic.projectedFullHdSeconds);
    const reliable = await measureReliable(raw, fullHdUrl, 60_000);
    r.reliable.push(reliable.ms);
    r.reliableMbs.push(reliable.mbPerSecond);
    const first = await firstAfterConnecting();
    r.firstMs.push(first.pixeldrop.ms);
    r.firstMbs.push(first.pixeldrop.mbPerSecond);
    r.firstLost.push(first.lost);
    r.firstBareMbs.push(first.bare.mbPerSecond);
    r.firstBareLoss.push(first.bare.lossPct);
    console.log(`run ${run + 1}/${RUNS}: ceiling ${r.ceilingFullHd.at(-1)!.toFixed(1)} MB/s, full-HD ${ms(one.ms)} ms, 4000×3000 ${ms(large.ms)} ms, interlaced ${ms(interlaced.ms)} ms (coarse ${ms(interlaced.coarseMs!)}), classic ${classic.pixelsPerSecond.toFixed(0)} px/s, reliable ${ms(reliable.ms)} ms, first after connecting ${ms(first.pixeldrop.ms)} ms (${first.lost} packets lost on the way; bare channel ${first.bare.mbPerSecond.toFixed(1)} MB/s, ${first.bare.lossPct.toFixed(1)} % lost)`);
  }

  const lossRows: (string | number)[][] = [];
  const lossSummary: (string | number)[][] = [];
  const unavailable = realLossUnavailable();
  if (unavailable) {
    console.log(`\nreal-loss cases skipped: ${unavailable}`);
  } else {
    for (const percent of LOSS_PERCENTS) {
      const pd: number[] = [];
      const still: number[] = [];
      const rel: number[] = [];
      // The bare unreliable channel under the same loss: what is left of the ceiling, and how
      // much of it arrives, explains how far repair can beat the reliable channel here.
      const bare: number[] = [];
      const bareLoss: number[] = [];
      let stalls = 0;
      applyPacketLoss(percent);
      try {
        for (let run = 0; run < RUNS; run++) {
          const lossy = await lossyPixeldrop(fullHd);
          pd.push(lossy.ms);
          still.push(lossy.stillMs);
          if (lossy.stalled) stalls++;
          rel.push((await measureReliable(raw, fullHdUrl, 180_000)).ms);
          const ceilingUnderLoss = await measureCeiling(raw, fullHd.pixelBytes);
          bare.push(ceilingUnderLoss.mbPerSecond);
          bareLoss.push(ceilingUnderLoss.lossPct);
          console.log(`${percent} % loss, run ${run + 1}/${RUNS}: Pixeldrop ${lossy.stalled ? `over ${ms(lossy.ms)} ms (stalled, cancelled)` : `${ms(lossy.ms)} ms (still at most ${ms(lossy.stillMs)} ms)`}, reliable ${ms(rel.at(-1)!)} ms, bare channel ${bare.at(-1)!.toFixed(1)} MB/s arriving (${bareLoss.at(-1)!.toFixed(1)} % of messages lost)`);
        }
      } finally {
        clearPacketLoss();
      }
      lossRows.push([`${percent} %`, ms(median(pd)), (Math.max(...pd) / median(pd)).toFixed(2), ms(Math.max(...still)), ms(median(rel)), median(rel) / median(pd), median(bare), median(bareLoss)]);
      lossSummary.push(
        [`Pixeldrop, repair, ${percent} % real loss${stalls ? ` (${stalls} stalled > ${LOSSY_TIMEOUT_MS / 1000} s)` : ''}`, ms(median(pd)), (fullHd.pixelBytes / 1e6 / (median(pd) / 1000)).toFixed(1), versus(median(pd), median(rel), 'reliable')],
        [`Reliable 64 KB, ${percent} % real loss`, ms(median(rel)), (fullHd.bmp.byteLength / 1e6 / (median(rel) / 1000)).toFixed(1), ''],
        [`Bare unreliable channel, ${percent} % real loss`, '', median(bare).toFixed(1), `${median(bareLoss).toFixed(1)} % of messages lost`],
      );
    }
  }

  const ceiling = median(r.ceilingFullHd);
  const ceilingBig = median(r.ceilingBig);
  printTable(`Ceiling: bare unreliable RTCDataChannel, 1,150-byte messages (medians of ${RUNS})`, ['payload (MB)', 'MB/s', 'messages lost %'], [
    [mb(fullHd.pixelBytes), ceiling, median(r.ceilingLoss)],
    [mb(big.pixelBytes), ceilingBig, ''],
  ]);
  printTable('Pixeldrop through the app, repair on, rows order', ['image', 'ms', 'MB/s of pixels', 'ratio to ceiling'], [
    ['1920×1080', ms(median(r.fullHd)), median(r.fullHdMbs), median(r.fullHdMbs) / ceiling],
    ['4000×3000', ms(median(r.big)), median(r.bigMbs), median(r.bigMbs) / ceilingBig],
  ]);
  printTable('Interlaced, 1920×1080: first complete coarse picture (Adam7 pass 1)', ['coarse ms', 'total ms', 'fraction'], [
    [ms(median(r.coarse)), ms(median(r.interlaced)), median(r.coarseFraction)],
  ]);
  printTable('First full-HD transfer after two pages connect (a fresh room, a fresh bare channel, each run)', ['case', 'ms', 'MB/s', 'lost on the way'], [
    ['Pixeldrop, repair', ms(median(r.firstMs)), median(r.firstMbs), `${median(r.firstLost)} packets`],
    ['Bare unreliable channel, 6.2 MB', '', median(r.firstBareMbs), `${median(r.firstBareLoss).toFixed(1)} % of messages`],
  ]);
  printTable('Classic baseline: one pixel (x, y, RGBA) per message, no sleep', ['pixels/s', 'messages lost %', 'projected 1920×1080 s', 'Pixeldrop faster by'], [
    [median(r.classic).toFixed(0), median(r.classicLoss), median(r.classicProjected), (median(r.classicProjected) * 1000) / median(r.fullHd)],
  ]);
  printTable('Reliable baseline: the full-HD BMP file in 64 KB chunks, reliable ordered channel', ['file MB', 'ms', 'MB/s', 'Pixeldrop / reliable time'], [
    [mb(fullHd.bmp.byteLength), ms(median(r.reliable)), median(r.reliableMbs), median(r.fullHd) / median(r.reliable)],
  ]);
  if (lossRows.length) {
    printTable('Under real loss (nftables, input): time to an exact 1920×1080 image', ['loss', 'Pixeldrop ms', 'slowest run / median', 'longest stand-still ms', 'reliable ms', 'reliable / Pixeldrop', 'bare unreliable MB/s arriving', 'its messages lost %'], lossRows);
  }
  printTable('Receiver health during the 4000×3000 transfer', ['longest task ms (max of runs)', 'long tasks (median)', 'peak JS heap MB (max)'], [
    [ms(Math.max(...r.longestTask)), median(r.longTasks), mb(Math.max(...r.peakHeap))],
  ]);

  printTable(`Summary (medians of ${RUNS} runs, same run, ${new Date().toISOString().slice(0, 16)}Z)`, ['case', 'ms', 'MB/s', 'ratio'], [
    ['Ceiling, 1,150 B messages, 6.2 MB', '', ceiling.toFixed(1), ''],
    ['Pixeldrop 1920×1080, repair', ms(median(r.fullHd)), median(r.fullHdMbs).toFixed(1), `${((100 * median(r.fullHdMbs)) / ceiling).toFixed(0)} % of ceiling`],
    ['Pixeldrop 4000×3000, repair', ms(median(r.big)), median(r.bigMbs).toFixed(1), `${((100 * median(r.bigMbs)) / ceilingBig).toFixed(0)} % of ceiling (${ceilingBig.toFixed(1)} MB/s at 36 MB)`],
    ['Interlaced 1920×1080: first coarse picture', ms(median(r.coarse)), '', `${((100 * median(r.coarse)) / median(r.interlaced)).toFixed(1)} % of its ${ms(median(r.interlaced))} ms`],
    ['Classic, one pixel per message (projected)', ms(median(r.classicProjected) * 1000), '', `Pixeldrop ${versus(median(r.fullHd), median(r.classicProjected) * 1000, 'this')}`],
    ['Reliable 64 KB chunks, no loss', ms(median(r.reliable)), median(r.reliableMbs).toFixed(1), `Pixeldrop ${versus(median(r.fullHd), median(r.reliable), 'this')}`],
    ['Pixeldrop 1920×1080, first after connecting', ms(median(r.firstMs)), median(r.firstMbs).toFixed(1), `${median(r.firstLost)} packets lost on the way`],
    ['Bare channel, first 6.2 MB after connecting', '', median(r.firstBareMbs).toFixed(1), `${median(r.firstBareLoss).toFixed(1)} % of messages lost`],
    ...lossSummary,
    ['Receiver, 4000×3000: longest task / peak heap', ms(Math.max(...r.longestTask)), '', `${mb(Math.max(...r.peakHeap))} MB heap`],
  ]);
}

try {
  console.log(`e2e bench: ${RUNS} runs per case, ${process.env.PIXELDROP_NETNS === '1' ? 'private network namespace' : 'normal network'}; paths ${PROFILES.map((p) => p.name).join(', ') || 'none'}, ${CAP_MS / 1000} s cap per run${LOOPBACK ? ', then the loopback section' : ''}`);
  const results: ProfileResult[] = [];
  for (const profile of PROFILES) {
    const unavailable = pathEmulationUnavailable(profile);
    if (unavailable) {
      console.log(`path ${profile.name} skipped: ${unavailable}`);
      continue;
    }
    results.push(await benchProfile(profile, { browser, appServer, rawServer, images: profileImages, runs: RUNS, capMs: CAP_MS, log: console.log }));
  }
  if (LOOPBACK) await loopback();
  if (results.length) printProfileTables(results, profileImages.photo.pixelBytes, RUNS);
} finally {
  clearPacketLoss();
  await appServer.close();
  await rawServer.close();
  await browser.close();
  stage.remove();
}
