/**
 * Does the engine keep a page responsive on a 24-megapixel image? Runs whole transfers of a
 * 6000 × 4000 24-bit image (72 MB) through the in-memory link and times, in wall-clock time,
 * every task the engine hands the scheduler on each side (the longest one is what a user could
 * feel as a frozen page), plus the receiver calls a UI makes on demand.
 * `npm run bench -- transfer-responsiveness`.
 */
import type { ScanOrderKind } from '../shared/protocol/index.ts';
import type { NativeImage } from '../shared/pixels/pixel-format.ts';
import { TransferSession, type Receiver, type Scheduler } from '../shared/transfer/index.ts';
import { createMemoryControlLink, createMemoryPacketLink } from '../test/doubles/memory-link.ts';
import { VirtualTime } from '../test/doubles/virtual-time.ts';
import { printTable } from './measure.ts';

const WIDTH = 6000;
const HEIGHT = 4000;

function image(): NativeImage {
  const pixels = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0, o = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++, o += 3) {
      pixels[o] = x & 0xff;
      pixels[o + 1] = y & 0xff;
      pixels[o + 2] = (x + y) & 0xff;
    }
  }
  return { width: WIDTH, height: HEIGHT, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
}

/**
 * Wraps a scheduler so that every task it runs is timed into `durations`: wall-clock and CPU
 * milliseconds. CPU time leaves out the waits a busy machine imposes on any process.
 */
function timedScheduler(schedule: Scheduler, durations: { wall: number[]; cpu: number[] }): Scheduler {
  return (callback, delayMs) =>
    schedule(() => {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      callback();
      const cpu = process.cpuUsage(cpuStart);
      durations.cpu.push((cpu.user + cpu.system) / 1000);
      durations.wall.push(performance.now() - start);
    }, delayMs);
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function once(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const source = image();
const rows: (string | number)[][] = [];
for (const scanOrder of ['rows', 'scattered'] as ScanOrderKind[]) {
  const time = new VirtualTime();
  // One list for both ends: in a browser each end has its own page, but the in-memory link runs
  // the sender's buffer-low wake-ups and the receiver's deliveries on one scheduler.
  const tasks = { wall: [] as number[], cpu: [] as number[] };
  const senderSchedule = timedScheduler(time.schedule, tasks);
  const receiverSchedule = senderSchedule;
  let receiver: Receiver | undefined;
  let alice: TransferSession | undefined;
  let bob: TransferSession | undefined;
  let manifestToReceiver = 0;
  bob = new TransferSession({
    control: createMemoryControlLink(receiverSchedule, (bytes) => alice!.receiveControl(bytes)),
    packets: createMemoryPacketLink({ now: time.now, schedule: receiverSchedule }, () => {}),
    now: time.now,
    schedule: receiverSchedule,
    onIncoming: (r) => (receiver = r),
  });
  alice = new TransferSession({
    // Deliveries to Bob run as Bob's tasks: manifest handling allocates his buffers.
    control: createMemoryControlLink(receiverSchedule, (bytes) => {
      const start = performance.now();
      bob!.receiveControl(bytes);
      if (receiver && manifestToReceiver === 0) manifestToReceiver = performance.now() - start;
    }),
    packets: createMemoryPacketLink({ now: time.now, schedule: receiverSchedule, loss: { kind: 'bernoulli', p: 0.1, seed: 1 } }, (bytes) =>
      bob!.receivePacket(bytes),
    ),
    now: time.now,
    schedule: senderSchedule,
  });
  const wallStart = performance.now();
  const sent = once(() => alice!.send(source, { fileName: 'big.bmp', scanOrder, repairRounds: 0 }));
  // Halfway through: what a UI pays to show a concealed preview of a transfer in progress.
  for (let t = 0; !receiver || receiver.stats.received < receiver.stats.expected / 2; t += 10) time.run(t);
  const halfway = receiver;
  const concealedHalfway = once(() => halfway.picture!.displayRgba(true));
  time.run();
  const wall = performance.now() - wallStart;
  if (!receiver || receiver.state !== 'incomplete') throw new Error(`transfer ended ${receiver?.state}`);
  const r = receiver;
  const concealed = once(() => r.picture!.displayRgba(true));
  const raw = once(() => r.picture!.displayRgba(false));
  const mask = once(() => r.picture!.missingPixelMask());
  rows.push(
    [scanOrder, 'session.send() call', sent],
    [scanOrder, 'manifest arrival (allocates 168 MB)', manifestToReceiver],
    [scanOrder, `engine task, longest of ${tasks.wall.length}, wall`, tasks.wall.reduce((m, t) => Math.max(m, t), 0)],
    [scanOrder, 'engine task, longest, CPU', tasks.cpu.reduce((m, t) => Math.max(m, t), 0)],
    [scanOrder, 'engine task, 99.9th percentile, wall', percentile(tasks.wall, 0.999)],
    [scanOrder, 'displayRgba(true) halfway through', concealedHalfway],
    [scanOrder, 'displayRgba(true) at the end, 10 % loss', concealed],
    [scanOrder, 'displayRgba(false)', raw],
    [scanOrder, 'missingPixelMask()', mask],
    [scanOrder, 'whole transfer, wall clock', wall],
  );
}

printTable(
  `Responsiveness, ${WIDTH}×${HEIGHT} 24-bit (${((WIDTH * HEIGHT * 3) / 1e6).toFixed(0)} MB), 10 % network loss, no repair: wall-clock ms`,
  ['order', 'what', 'ms'],
  rows,
);
