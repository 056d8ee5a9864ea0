/**
 * A diagnostic, not a benchmark: `npx tsx tools/diagnostics/lossy-path.ts` (as root it re-runs
 * itself in the private network namespace).
 *
 * **Question:** how fast, and how steadily, does a full-HD photo arrive over a distant path with
 * random loss, against the reliable ordered channel over the same path? Both pages are on an
 * emulated path of test/e2e/harness/path-emulator.ts (docs/path-emulation.md), set up before
 * any connection is made; every run is a fresh room. Per run it prints the
 * time from Send to the exact picture, the time to the first coarse picture (interlaced order),
 * the longest time the receiver's count of packets stood still, the stripes the sender chose and
 * the loss the panel shows; then medians, and the reliable channel's median over the same path.
 *
 * LOSSY_PATHS: path profiles, comma-separated (default `wifi,bad-wifi`: ~40 ms round trip with
 * 1 % and 5 % random loss each way). LOSSY_RUNS (default 5), LOSSY_RELIABLE_RUNS (default 3,
 * 0 skips the reliable channel). LOSSY_PHOTO=tiled sends the coffee photo at its own resolution,
 * tiled to full HD (as much detail per pixel as a camera's photo: coded packets save less on it)
 * instead of scaled up to it. LOSSY_DEBUG=1 prints the pages' console errors after each run.
 */
import { chooseImage, FileStage, openRoom, readStats, setSendOptions, startAppServer } from '../../test/e2e/harness/app.ts';
import { buildWebApp } from '../../test/e2e/harness/build.ts';
import { launchChromium } from '../../test/e2e/harness/chromium.ts';
import { runUnderE2eRunner } from '../../test/e2e/harness/in-namespace.ts';
import { applyPathLoss, clearPathLoss, overPath, pathProfiles } from '../../test/e2e/harness/path-emulator.ts';
import { photoBmp, tiledPhotoBmp } from '../../test/e2e/harness/photos.ts';
import { decodeSource } from '../../test/e2e/harness/pixels.ts';
import { connectRawPair, startRawServer } from '../../test/e2e/harness/raw-pair.ts';
import { assertExact, coarsePass, installProbe, measureAppTransfer } from '../../bench/e2e/app-cases.ts';
import { measureReliable } from '../../bench/e2e/raw-cases.ts';
import { median } from '../../bench/measure.ts';

runUnderE2eRunner(import.meta.url);

const RUNS = Number(process.env.LOSSY_RUNS ?? 5);
const RELIABLE_RUNS = Number(process.env.LOSSY_RELIABLE_RUNS ?? 3);
const PATHS = pathProfiles(process.env.LOSSY_PATHS, ['wifi', 'bad-wifi']);
buildWebApp();
const stage = new FileStage();
const browser = await launchChromium();
const appServer = await startAppServer();
const rawServer = await startRawServer();
const bmp = process.env.LOSSY_PHOTO === 'tiled' ? tiledPhotoBmp('coffee', 1920, 1080) : photoBmp('coffee', 1920, 1080);
const source = decodeSource(bmp);
const imagePath = stage.path('full-hd.bmp', bmp);
rawServer.serve('/full-hd.bmp', bmp);
const pixelBytes = 1920 * 1080 * 3;

try {
  for (const path of PATHS) {
    const label = path.name;
    applyPathLoss(path);
    const times: number[] = [];
    const coarse: number[] = [];
    const still: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pair = await openRoom(browser, appServer, { prepare: overPath(path) });
      try {
        await installProbe(pair.receiver.page);
        if ((await chooseImage(pair.sender.page, imagePath)) !== 'ready') throw new Error('the app refused the image');
        await setSendOptions(pair.sender.page, { order: 'interlaced', lossPct: 0, repair: true });
        const result = await measureAppTransfer(pair, {
          pixelBytes,
          timeoutMs: 120_000,
          coarse: { width: 1920, height: 1080, expected: coarsePass(source) },
        }).catch((error: unknown) => {
          if (process.env.LOSSY_DEBUG) console.log([...pair.sender.errors, ...pair.receiver.errors].join('\n'));
          throw error;
        });
        const stillMs = result.longestStillMs;
        if (result.endState !== 'complete') throw new Error(`the transfer ended "${result.endState}"`);
        await assertExact(pair, source, 'full HD');
        const sent = await readStats(pair.sender.page);
        if (process.env.LOSSY_DEBUG) console.log([...pair.sender.errors, ...pair.receiver.errors].join('\n'));
        const received = await readStats(pair.receiver.page);
        times.push(result.ms);
        coarse.push(result.coarseMs!);
        still.push(stillMs);
        console.log(
          `${label}, run ${run + 1}/${RUNS}: exact in ${result.ms.toFixed(0)} ms, coarse in ${result.coarseMs!.toFixed(0)} ms, ` +
            `longest still ${stillMs.toFixed(0)} ms, ${sent.stripes} stripes, ${received.lossPct} % lost, ${received.sent} sent`,
        );
      } finally {
        await pair.close();
      }
    }
    const reliable: number[] = [];
    for (let run = 0; run < RELIABLE_RUNS; run++) {
      const raw = await connectRawPair(browser, rawServer, overPath(path));
      try {
        reliable.push((await measureReliable(raw, `${rawServer.url}/full-hd.bmp`, 300_000)).ms);
        console.log(`${label}, reliable 64 KB run ${run + 1}/${RELIABLE_RUNS}: ${reliable.at(-1)!.toFixed(0)} ms`);
      } finally {
        await raw.close();
      }
    }
    const pd = median(times);
    const versusReliable = reliable.length > 0 ? `; reliable 64 KB median ${median(reliable).toFixed(0)} ms: ${(median(reliable) / pd).toFixed(2)}× faster` : '';
    console.log(
      `\n${label}: Pixeldrop median ${pd.toFixed(0)} ms to exact (max ${Math.max(...times).toFixed(0)}), coarse ${median(coarse).toFixed(0)} ms, ` +
        `longest still ${Math.max(...still).toFixed(0)} ms${versusReliable}\n`,
    );
  }
} finally {
  clearPathLoss();
  await rawServer.close();
  await appServer.close();
  await browser.close();
  stage.remove();
}
