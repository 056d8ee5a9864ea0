/**
 * Over the emulated `wifi` path (harness/path-emulator.ts: ~40 ms round trip, 1 % random loss
 * each way), the sender spreads its packets over several peer connections and codes their
 * payloads, the panel says how many connections and how many bytes, and a full-HD photo still
 * arrives pixel-exact.
 */
import { expect, it } from 'vitest';
import { chooseImage, downloadPicture, readStats, setSendOptions, startTransfer, waitForTransferEnd } from './harness/app.ts';
import { saveScreenshot } from './harness/artifacts.ts';
import { skipWithout } from './harness/capability.ts';
import { applyPathLoss, overPath, PATH_PROFILES, pathEmulationUnavailable } from './harness/path-emulator.ts';
import { photoBmp } from './harness/photos.ts';
import { comparePixels, decodeSource } from './harness/pixels.ts';
import { appSuite } from './harness/suite.ts';

const WIFI = PATH_PROFILES.wifi;
const suite = appSuite();
const noEmulation = skipWithout('the wifi path (nftables in the private network namespace)', pathEmulationUnavailable(WIFI));

it.skipIf(noEmulation)('on wifi, a full-HD photo striped over several connections arrives pixel-exact', { timeout: 150_000 }, async ({ task }) => {
  const bmp = photoBmp('coffee', 1920, 1080);
  // Loss from before the pages connect: ICE and DTLS cross the path too.
  applyPathLoss(WIFI);
  const pair = await suite.room(overPath(WIFI));
  expect(await chooseImage(pair.sender.page, suite.stage.path('coffee-1920x1080.bmp', bmp))).toBe('ready');
  await setSendOptions(pair.sender.page, { order: 'interlaced', repair: true });
  const startedAt = await startTransfer(pair);

  const end = await waitForTransferEnd(pair.receiver.page, 90_000);
  expect(end.state).toBe('complete');
  await saveScreenshot(pair.receiver.page, task.name, 'receiver-complete');
  await saveScreenshot(pair.sender.page, task.name, 'sender-complete');
  const whole = comparePixels(await downloadPicture(pair.receiver.page), decodeSource(bmp));
  expect(whole.firstDifference).toBeUndefined();
  expect(whole.differing).toBe(0);

  const sent = await readStats(pair.sender.page);
  const received = await readStats(pair.receiver.page);
  console.log(
    `striped full-HD over wifi: ` +
      `${((end.endedAt - startedAt) / 1000).toFixed(2)} s to exact, ${sent.stripes} stripes, ${received.lossPct} % lost, ` +
      `${sent.wirePct} % of the plain bytes sent`,
  );
  expect(sent.stripes).toBeGreaterThan(1);
  // A distant path: the packets went coded, a smooth photo in well under two thirds of its bytes.
  expect(sent.wirePct).toBeLessThan(65);
  expect(received.wirePct).toBeLessThan(65);
  expect(received.stripes).toBe(sent.stripes);
  // The path drops 1 % each way, and the panel counts every transmission lost.
  expect(received.lost).toBeGreaterThan(0);
  expect(pair.receiver.errors).toEqual([]);
  expect(pair.sender.errors).toEqual([]);
});
