/**
 * Loss table on real photos (test/fixtures/photos): for each scan order and loss setting, the share
 * of pixels missing, PSNR against the original without and with concealment, and, with repair
 * on, the rounds and packets it took to end pixel-exact. `npm run bench -- transfer-loss`.
 *
 * Transfers run whole (manifest, passes, receipts, verdict) between two sessions over the
 * in-memory link in virtual time; the loss is the sender's seeded simulation, so every run of
 * this benchmark prints the same table. A second table shows the progressive preview: PSNR of the
 * concealed picture after the first 1/64, 1/16, 1/4 and 1/2 of the packets, per order.
 */
import { readFileSync } from 'node:fs';
import { decode as decodePng } from 'fast-png';
import type { ScanOrderKind } from '../shared/protocol/index.ts';
import type { NativeImage } from '../shared/pixels/pixel-format.ts';
import { TransferSession, meanLossRate, type LossSpec, type Receiver, type SendOptions, type Sender } from '../shared/transfer/index.ts';
import { createMemoryControlLink, createMemoryPacketLink } from '../test/doubles/memory-link.ts';
import { VirtualTime } from '../test/doubles/virtual-time.ts';
import { PHOTOS_DIR } from '../test/fixtures/paths.ts';
import { printTable } from './measure.ts';

const PHOTOS = ['astronaut.png', 'coffee.png'];
const ORDERS: ScanOrderKind[] = ['rows', 'interlaced', 'scattered'];
const SEED = 20261121;
const LOSSES: { name: string; spec: LossSpec }[] = [
  ...[0.01, 0.05, 0.1, 0.2].map((p) => ({ name: `${p * 100} %`, spec: { kind: 'bernoulli', p, seed: SEED } as LossSpec })),
  {
    // Bursts of 4 packets on average, 80 % lost inside a burst, one burst start per 50 packets.
    name: 'burst',
    spec: { kind: 'gilbert-elliott', pGoodToBad: 0.02, pBadToGood: 0.25, lossGood: 0, lossBad: 0.8, seed: SEED },
  },
];
const REPAIR_ROUNDS = 20;

interface Photo {
  readonly name: string;
  readonly image: NativeImage;
  /** The original as RGB bytes, for PSNR. */
  readonly rgb: Uint8Array;
}

function loadPhoto(name: string): Photo {
  const png = decodePng(readFileSync(`${PHOTOS_DIR}${name}`));
  if (png.channels !== 3 || png.depth !== 8) throw new Error(`${name}: expected 8-bit RGB`);
  const rgb = Uint8Array.from(png.data);
  const pixels = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    pixels[i] = rgb[i + 2]!;
    pixels[i + 1] = rgb[i + 1]!;
    pixels[i + 2] = rgb[i]!;
  }
  return { name, rgb, image: { width: png.width, height: png.height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels } };
}

function run(
  image: NativeImage,
  options: Partial<SendOptions>,
  /** Called whenever time has moved, until the transfer is over. */
  onProgress?: (receiver: Receiver) => void,
): { sender: Sender; receiver: Receiver } {
  const time = new VirtualTime();
  const { now, schedule } = time;
  let receiver: Receiver | undefined;
  let alice: TransferSession | undefined;
  const bob: TransferSession = new TransferSession({
    control: createMemoryControlLink(schedule, (bytes) => alice!.receiveControl(bytes)),
    packets: createMemoryPacketLink({ now, schedule }, (bytes) => alice!.receivePacket(bytes)),
    now,
    schedule,
    onIncoming: (r) => (receiver = r),
  });
  alice = new TransferSession({
    control: createMemoryControlLink(schedule, (bytes) => bob.receiveControl(bytes)),
    packets: createMemoryPacketLink({ now, schedule }, (bytes) => bob.receivePacket(bytes)),
    now,
    schedule,
  });
  const sender = alice.send(image, { fileName: 'photo.bmp', ...options });
  if (onProgress) {
    for (let t = 0; !receiver || receiver.state === 'receiving'; t += 0.05) {
      time.run(t);
      if (receiver) onProgress(receiver);
    }
  }
  time.run();
  if (!receiver) throw new Error('no manifest arrived');
  return { sender, receiver };
}

/** PSNR over the R, G and B channels; missing pixels in `rgba` count as whatever they hold. */
function psnr(rgb: Uint8Array, rgba: Uint8ClampedArray): number {
  let squares = 0;
  for (let p = 0, i = 0; i < rgb.length; p += 4, i += 3) {
    for (let c = 0; c < 3; c++) {
      const d = rgb[i + c]! - rgba[p + c]!;
      squares += d * d;
    }
  }
  const mse = squares / rgb.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

for (const photo of PHOTOS.map(loadPhoto)) {
  const { width, height } = photo.image;
  const rows: (string | number)[][] = [];
  for (const loss of LOSSES) {
    for (const scanOrder of ORDERS) {
      const raw = run(photo.image, { scanOrder, loss: loss.spec }).receiver;
      const stats = raw.stats;
      const repaired = run(photo.image, { scanOrder, loss: loss.spec, repairRounds: REPAIR_ROUNDS });
      const s = repaired.sender.stats;
      const attempted = s.packetsSent + s.simulatedDrops;
      rows.push([
        loss.name,
        scanOrder,
        (100 * stats.lostBySimulation) / stats.expected,
        (100 * stats.missingPixels) / (width * height),
        psnr(photo.rgb, raw.picture!.displayRgba(false)),
        psnr(photo.rgb, raw.picture!.displayRgba(true)),
        repaired.receiver.state,
        s.rounds,
        attempted,
        (100 * (attempted - stats.expected)) / stats.expected,
      ]);
    }
  }
  const packets = run(photo.image, { scanOrder: 'rows' }).receiver.stats.expected;
  printTable(
    `${photo.name} ${width}×${height} 24-bit, ${packets} packets of 1,140 B; loss simulated by the sender (seed ${SEED}; burst = ` +
      `Gilbert–Elliott, mean loss ${(100 * meanLossRate(LOSSES[4]!.spec)).toFixed(1)} %); repair allows ${REPAIR_ROUNDS} rounds`,
    ['loss', 'order', 'packets lost %', 'pixels missing %', 'PSNR raw dB', 'PSNR concealed dB', 'repair ends', 'rounds', 'packets sent', 'overhead %'],
    rows,
  );
}

const PREVIEW_FRACTIONS = [1 / 64, 1 / 16, 1 / 4, 1 / 2];
for (const photo of PHOTOS.map(loadPhoto)) {
  const rows = ORDERS.map((scanOrder) => {
    const psnrs: number[] = [];
    run(photo.image, { scanOrder }, (receiver) => {
      const { received, expected } = receiver.stats;
      const next = PREVIEW_FRACTIONS[psnrs.length];
      if (next !== undefined && received >= next * expected) psnrs.push(psnr(photo.rgb, receiver.picture!.displayRgba(true)));
    });
    return [scanOrder, ...psnrs];
  });
  printTable(
    `${photo.name}: progressive preview, PSNR (dB) of the concealed picture after the first part of the packets (no loss)`,
    ['order', ...PREVIEW_FRACTIONS.map((f) => `1/${1 / f}`)],
    rows,
  );
}
