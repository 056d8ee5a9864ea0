/**
 * BMP decode to RGBA against the npm BMP decoders (fast-bmp, bmp-js, bmp-ts) and a plain copy
 * of the same bytes, all in this run. `npm run bench -- bmp`.
 *
 * Inputs, made here: astronaut.png tiled to 4000 × 3000 as a 24-bit BMP, and the same photo
 * reduced to 256 grey levels as an 8-bit BMP. Throughput is MB (10^6 bytes) of BMP file per
 * second. The decoders run interleaved, one call each per round, so that load from other
 * processes on the machine falls on all of them alike; each figure is the median of the rounds.
 *
 * The libraries return different layouts (fast-bmp RGB, bmp-js ABGR, bmp-ts RGBA): each is timed
 * as it comes, which favours those that do less than a full RGBA conversion. Two floors frame the
 * figures: copying the file's bytes, and allocating and filling an RGBA buffer of the image's size,
 * which every decoder to RGBA must do unless, like a canvas painting frames, it reuses one; the
 * reused-buffer row shows ours without that cost. The "× faster" column compares with the first
 * "ours" row.
 */
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { decode as bmpTsDecode } from 'bmp-ts';
import bmpJs from 'bmp-js';
import { decode as fastBmpDecode } from 'fast-bmp';
import { decode as decodePng } from 'fast-png';
import { decodeBmp, encodeBmp, type NativeImage } from '../shared/bmp/index.ts';
import { PHOTOS_DIR } from '../test/fixtures/paths.ts';
import { mbPerSecond, median, printTable } from './measure.ts';

const WIDTH = 4000;
const HEIGHT = 3000;
const ROUNDS = 11;
const WARMUP = 2;

/** astronaut.png repeated to fill WIDTH × HEIGHT, as RGB. */
function photoRgb(): Uint8Array {
  const png = decodePng(readFileSync(`${PHOTOS_DIR}astronaut.png`));
  if (png.channels !== 3 || png.depth !== 8) throw new Error('astronaut.png: expected 8-bit RGB');
  const rgb = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const from = ((y % png.height) * png.width + (x % png.width)) * 3;
      rgb.set(png.data.subarray(from, from + 3), (y * WIDTH + x) * 3);
    }
  }
  return rgb;
}

const rgb = photoRgb();
const count = WIDTH * HEIGHT;

const bgr24: NativeImage = (() => {
  const pixels = new Uint8Array(count * 3);
  for (let i = 0; i < pixels.length; i += 3) {
    pixels[i] = rgb[i + 2]!;
    pixels[i + 1] = rgb[i + 1]!;
    pixels[i + 2] = rgb[i]!;
  }
  return { width: WIDTH, height: HEIGHT, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
})();

const grey8: NativeImage = (() => {
  const palette = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) palette.set([i, i, i, 255], i * 4);
  const pixels = new Uint8Array(count);
  for (let p = 0; p < count; p++) pixels[p] = (rgb[p * 3]! * 77 + rgb[p * 3 + 1]! * 150 + rgb[p * 3 + 2]! * 29) >> 8;
  return { width: WIDTH, height: HEIGHT, format: { kind: 'indexed', bitsPerPixel: 8, palette }, pixels };
})();

interface Contender {
  readonly name: string;
  readonly run: (file: Uint8Array, buffer: Buffer) => unknown;
}

const reused = new Uint8ClampedArray(count * 4);

const contenders: Contender[] = [
  { name: 'copy of the bytes (floor)', run: (file) => file.slice() },
  // Any decoder to RGBA must at least allocate and write 4 bytes per pixel.
  { name: 'fill a new RGBA buffer (floor)', run: () => new Int32Array(count).fill(-1) },
  { name: 'ours: decodeBmp → RGBA', run: (file) => decodeBmp(file) },
  // The same into one RGBA buffer reused across calls (a canvas's ImageData): no fresh memory.
  { name: 'ours: decodeBmp into a reused buffer', run: (file) => decodeBmp(file, { into: reused }) },
  { name: 'fast-bmp → RGB', run: (file) => fastBmpDecode(file) },
  { name: 'bmp-js → ABGR', run: (_, buffer) => bmpJs.decode(buffer) },
  { name: 'bmp-ts → RGBA', run: (_, buffer) => bmpTsDecode(buffer, { toRGBA: true }) },
];

/** Median milliseconds per contender; null for a library that throws on this file. */
function measure(file: Uint8Array): (number | null)[] {
  const buffer = Buffer.from(file);
  const works = contenders.map(({ run }) => {
    try {
      run(file, buffer);
      return true;
    } catch {
      return false;
    }
  });
  const times: number[][] = contenders.map(() => []);
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    contenders.forEach(({ run }, i) => {
      if (!works[i]) return;
      const start = performance.now();
      run(file, buffer);
      if (round >= WARMUP) times[i]!.push(performance.now() - start);
    });
  }
  return times.map((list, i) => (works[i] ? median(list) : null));
}

/** Checks our output against the straightforward conversion of the source image, once, before timing. */
function checkOurs(file: Uint8Array, image: NativeImage): void {
  const { data } = decodeBmp(file);
  for (let p = 0; p < count; p += 997) {
    const [r, g, b] =
      image.format.kind === 'bgr'
        ? [image.pixels[p * 3 + 2]!, image.pixels[p * 3 + 1]!, image.pixels[p * 3]!]
        : [image.pixels[p]!, image.pixels[p]!, image.pixels[p]!];
    if (data[p * 4] !== r || data[p * 4 + 1] !== g || data[p * 4 + 2] !== b || data[p * 4 + 3] !== 255) {
      throw new Error(`decodeBmp disagrees with the source at pixel ${p}`);
    }
  }
}

const load = loadavg().map((value) => value.toFixed(2));
console.log(`${WIDTH}×${HEIGHT}, medians of ${ROUNDS} interleaved rounds; load average before: ${load.join(' ')}`);

for (const [label, image] of [
  ['24-bit BGR', bgr24],
  ['8-bit palette', grey8],
] as const) {
  const file = encodeBmp(image);
  checkOurs(file, image);
  const times = measure(file);
  const oursAt = contenders.findIndex(({ name }) => name.startsWith('ours'));
  const ours = times[oursAt]!;
  const npm = times.slice(oursAt + 2).filter((ms): ms is number => ms !== null);
  const fastestNpm = Math.min(...npm);
  printTable(
    `Decode a ${label} BMP of ${(file.length / 1e6).toFixed(1)} MB to pixels`,
    ['decoder', 'ms', 'MB/s', 'ours is × faster'],
    contenders.map(({ name }, i): (string | number)[] => {
      const ms = times[i] ?? null;
      return ms === null ? [name, 'fails', '', ''] : [name, ms, mbPerSecond(file.length, ms), i === oursAt ? '' : ms / ours];
    }),
  );
  console.log(
    `vs the fastest npm decoder: ours ${(fastestNpm / ours).toFixed(2)}× faster, ` +
      `into a reused buffer ${(fastestNpm / times[oursAt + 1]!).toFixed(2)}× faster`,
  );
}
console.log(`\nload average after: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
