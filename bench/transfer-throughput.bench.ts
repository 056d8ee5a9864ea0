/**
 * Packetize + place throughput of the transfer engine on a 4000 × 3000 24-bit image, next to
 * plain copies of the same 36 MB measured in this run. `npm run bench -- transfer-throughput`.
 *
 * "packetize + place" is what a transfer costs the CPU apart from the channel: the sender builds
 * every data packet (header + payload), the receiver decodes it, validates it, places it in the
 * native buffer and converts it into the RGBA view. The CRC-32 that each end computes once per
 * transfer is measured on its own row. Each run gets a fresh receiver, allocated before timing;
 * "first touch" rows include the page faults of writing its 84 MB (native + RGBA) for the first
 * time, which a browser pays spread over the transfer; "mapped" rows touch the pages before timing.
 * Wall and CPU time are both reported: on a machine shared with browser tests, wall time swings
 * by 2× from run to run while the process's own CPU time stays put.
 */
import { crc32, decodeDataPacket, type Manifest } from '../shared/protocol/index.ts';
import type { NativeImage } from '../shared/pixels/pixel-format.ts';
import { PacketGeometry } from '../shared/transfer/packet-geometry.ts';
import { Packetizer } from '../shared/transfer/packetizer.ts';
import { Receiver } from '../shared/transfer/index.ts';
import { VirtualTime } from '../test/doubles/virtual-time.ts';
import { chooseScatterOrder } from '../shared/transfer/scan-order.ts';
import { mbPerSecond, median, printTable } from './measure.ts';

const WIDTH = 4000;
const HEIGHT = 3000;
const PAYLOAD = 1140;
const RUNS = 11;

function photoLikeImage(): NativeImage {
  // Smooth gradients with texture: content does not change the engine's work, only realism.
  const pixels = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0, o = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++, o += 3) {
      pixels[o] = (x * 255) / WIDTH;
      pixels[o + 1] = (y * 255) / HEIGHT;
      pixels[o + 2] = (x ^ y) & 0xff;
    }
  }
  return { width: WIDTH, height: HEIGHT, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
}

const image = photoLikeImage();
const bytes = image.pixels.length;

function manifestFor(order: Manifest['scanOrder']): Manifest {
  const geometry = new PacketGeometry({ width: WIDTH, height: HEIGHT, payloadBytes: PAYLOAD, scanOrder: order, bitsPerPixel: 24 });
  return {
    transferId: 1,
    fileName: 'bench.bmp',
    width: WIDTH,
    height: HEIGHT,
    format: image.format,
    payloadBytes: PAYLOAD,
    packetCount: geometry.packetCount,
    scanOrder: order,
    crc32: 0,
    repairRounds: 0,
  };
}

interface Timing {
  /** Median wall-clock milliseconds. */
  readonly wall: number;
  /** Median CPU milliseconds of this process: on a shared, busy machine, steadier than wall time. */
  readonly cpu: number;
}

/** Times `work` RUNS times after one warm-up run, with `setup` (untimed) before each. */
function timed<T>(setup: () => T, work: (state: T) => void): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const state = setup();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    work(state);
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(cpuStart);
    // The first run warms up the JIT and is not counted.
    if (i > 0) {
      wall.push(elapsed);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function packetizeAndPlace(manifest: Manifest, touchFirst: boolean): Timing {
  const geometry = new PacketGeometry({ ...manifest, bitsPerPixel: 24 });
  const packetizer = new Packetizer(image, geometry, manifest.transferId);
  const time = new VirtualTime();
  return timed(
    () => {
      const receiver = new Receiver(manifest, { control: { send: () => {} }, packets: { send: () => {} }, now: time.now, schedule: time.schedule });
      if (touchFirst) {
        // Zeros over zeros: changes nothing but makes the OS map the pages now.
        receiver.picture!.rgba.fill(0);
        receiver.image.pixels.fill(0);
      }
      return receiver;
    },
    (receiver) => {
      for (let s = 0; s < manifest.packetCount; s++) receiver.handlePacket(decodeDataPacket(packetizer.packet(s)));
      if (receiver.stats.received !== manifest.packetCount) throw new Error('not every packet was placed');
    },
  );
}

function packetizeOnly(manifest: Manifest): Timing {
  const geometry = new PacketGeometry({ ...manifest, bitsPerPixel: 24 });
  const packetizer = new Packetizer(image, geometry, manifest.transferId);
  let sink = 0;
  const timing = timed(
    () => undefined,
    () => {
      for (let s = 0; s < manifest.packetCount; s++) sink += packetizer.packet(s).length;
    },
  );
  if (sink === 0) throw new Error('no packets');
  return timing;
}

const copyTarget = new Uint8Array(bytes);
const plainCopy = timed(
  () => undefined,
  () => copyTarget.set(image.pixels),
);
const chunkedCopy = timed(
  () => undefined,
  () => {
    // The same bytes in packet-sized pieces, each into a freshly allocated buffer.
    for (let at = 0; at < bytes; at += PAYLOAD) {
      const chunk = new Uint8Array(Math.min(PAYLOAD, bytes - at));
      chunk.set(image.pixels.subarray(at, at + chunk.length));
      copyTarget.set(chunk, at);
    }
  },
);
const crc = timed(
  () => undefined,
  () => crc32(image.pixels),
);

const rowsManifest = manifestFor({ kind: 'rows' });
const scattered = chooseScatterOrder(WIDTH, HEIGHT, Math.floor((PAYLOAD * 8) / 24));
const rows = [
  ['plain copy, one set()', plainCopy],
  ['plain copy, 1,140-byte chunks, new buffer each', chunkedCopy],
  ['CRC-32 (once per transfer, each end)', crc],
  ['packetize only, rows', packetizeOnly(rowsManifest)],
  ['packetize + place, rows, first touch', packetizeAndPlace(rowsManifest, false)],
  ['packetize + place, rows, mapped', packetizeAndPlace(rowsManifest, true)],
  ['packetize + place, interlaced, mapped', packetizeAndPlace(manifestFor({ kind: 'interlaced' }), true)],
  ['packetize + place, scattered, mapped', packetizeAndPlace(manifestFor(scattered), true)],
] as const;

printTable(
  `Transfer engine, ${WIDTH}×${HEIGHT} 24-bit (${(bytes / 1e6).toFixed(1)} MB, ${rowsManifest.packetCount} packets of ${PAYLOAD} B), median of ${RUNS}`,
  ['operation', 'wall ms', 'MB/s', '× plain copy', 'CPU ms', 'MB/s of CPU', '× plain copy (CPU)'],
  rows.map(([name, t]) => [
    name,
    t.wall,
    mbPerSecond(bytes, t.wall),
    t.wall / plainCopy.wall,
    t.cpu,
    mbPerSecond(bytes, t.cpu),
    t.cpu / plainCopy.cpu,
  ]),
);
