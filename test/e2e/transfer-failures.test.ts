/** A peer leaving mid-transfer, and a corrupt file. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { BMP_SUITE_DIR } from '../fixtures/paths.ts';
import { chooseImage, downloadPicture, readCanvas, readStats, setSendOptions, startTransfer, textOf, waitForTransferEnd } from './harness/app.ts';
import { saveScreenshot } from './harness/artifacts.ts';
import { photoBmp } from './harness/photos.ts';
import { comparePixels, decodeSource } from './harness/pixels.ts';
import { appSuite } from './harness/suite.ts';
import { waitUntil } from './harness/wait.ts';

const suite = appSuite();
/** A 24-bit packet of at most 1,150 bytes carries at least this many pixels, whatever its header (< 250 bytes). */
const MIN_PIXELS_PER_PACKET = 300;

it('a sender closing mid-transfer leaves the receiver "interrupted" with the partial image kept', async ({ task }) => {
  // 4000×3000 (36 MB of pixels) at a 4 MB/s rate limit takes 9 s: leaving after 2,000 packets
  // (2.3 MB) is surely in the middle, however fast the channel is.
  const bmp = photoBmp('coffee', 4000, 3000);
  const pair = await suite.room();
  expect(await chooseImage(pair.sender.page, suite.stage.path('coffee-4000x3000.bmp', bmp))).toBe('ready');
  await setSendOptions(pair.sender.page, { order: 'rows', repair: true, rateMBps: 4 });
  await startTransfer(pair);

  await waitUntil(() => textOf(pair.receiver.page, 'stat-received'), (text) => Number(text) >= 2000, {
    timeoutMs: 30_000,
    what: '2,000 packets at the receiver',
    intervalMs: 20,
  });
  await pair.sender.context.close();

  expect((await waitForTransferEnd(pair.receiver.page, 30_000)).state).toBe('interrupted');
  await saveScreenshot(pair.receiver.page, task.name, 'receiver-interrupted');
  const received = (await readStats(pair.receiver.page)).received;
  const source = decodeSource(bmp);
  const onScreen = comparePixels(await readCanvas(pair.receiver.page), source);
  const comparison = comparePixels(await downloadPicture(pair.receiver.page), source);
  console.log(`interrupted after ${received} packets: ${comparison.equal} of ${comparison.total} pixels kept, ${onScreen.equal} of ${onScreen.total} on screen`);
  expect(comparison.differing).toBeGreaterThan(0);
  // Every packet that arrived is still in the picture, exact, and shows on screen.
  expect(comparison.equal).toBeGreaterThanOrEqual(received * MIN_PIXELS_PER_PACKET);
  expect(onScreen.equal).toBeGreaterThan(0);
});

it('a corrupt file shows the error, and a good file afterwards still goes through', async ({ task }) => {
  const pair = await suite.room();
  // A BMP whose pixel data is cut short: the header promises 1,024 bytes, the file has 211.
  const corrupt = new Uint8Array(readFileSync(`${BMP_SUITE_DIR}b/shortfile.bmp`));
  expect(await chooseImage(pair.sender.page, suite.stage.path('shortfile.bmp', corrupt))).toBe('error');
  await saveScreenshot(pair.sender.page, task.name, 'sender-error');
  const send = pair.sender.page.getByTestId('send-button');
  expect((await send.count()) === 0 || (await send.isDisabled())).toBe(true);

  const good = photoBmp('astronaut', 256, 256);
  expect(await chooseImage(pair.sender.page, suite.stage.path('astronaut.bmp', good))).toBe('ready');
  await pair.sender.page.getByTestId('error').waitFor({ state: 'hidden', timeout: 10_000 });
  await setSendOptions(pair.sender.page, { repair: true });
  await startTransfer(pair);
  expect((await waitForTransferEnd(pair.receiver.page, 30_000)).state).toBe('complete');
  expect(comparePixels(await readCanvas(pair.receiver.page), decodeSource(good)).differing).toBe(0);
  expect(pair.sender.errors.filter((e) => e.includes('pageerror'))).toEqual([]);
});
