/**
 * BMP codec throughput on a natural photo, against the npm BMP libraries installed as baselines
 * (fast-bmp, bmp-js, bmp-ts), all measured in this run. `npm run bench -- bmp`.
 *
 * The image is astronaut.png tiled 4 × 4 (2048 × 2048), so that each run moves megabytes rather
 * than timing call overhead. Libraries decode to different layouts (fast-bmp RGB, bmp-js ABGR,
 * bmp-ts RGBA), so "ours + toRgba" is the fair comparison for a full decode to display pixels.
 */
import { readFileSync } from 'node:fs';
import { decode as bmpTsDecode } from 'bmp-ts';
import bmpJs from 'bmp-js';
import { decode as fastBmpDecode, encode as fastBmpEncode } from 'fast-bmp';
import { decode as decodePng } from 'fast-png';
import { decode, encode } from '../shared/bmp/index.ts';
import { MASKS_ARGB32, type NativeImage, type PixelFormat } from '../shared/pixels/pixel-format.ts';
import { toRgba } from '../shared/pixels/to-rgba.ts';
import { mbPerSecond, medianMs, printTable } from './measure.ts';

const TILES = 4;
const RUNS = 9;

function tiledPhotoRgb(): { width: number; height: number; rgb: Uint8Array } {
  const png = decodePng(readFileSync(new URL('../../shared/photos/astronaut.png', import.meta.url)));
  if (png.channels !== 3 || png.depth !== 8) throw new Error('astronaut.png: expected 8-bit RGB');
  const width = png.width * TILES;
  const height = png.height * TILES;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const source = png.data.subarray((y % png.height) * png.width * 3, ((y % png.height) + 1) * png.width * 3);
    for (let tile = 0; tile < TILES; tile++) rgb.set(source, (y * width + tile * png.width) * 3);
  }
  return { width, height, rgb: Uint8Array.from(rgb) };
}

const { width, height, rgb } = tiledPhotoRgb();
const pixelCount = width * height;

function bgrImage(): NativeImage {
  const pixels = new Uint8Array(pixelCount * 3);
  for (let i = 0; i < pixels.length; i += 3) {
    pixels[i] = rgb[i + 2]!;
    pixels[i + 1] = rgb[i + 1]!;
    pixels[i + 2] = rgb[i]!;
  }
  return { width, height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
}

/** The photo at lower depths, so that every pixel path of toRgba is measured on real content. */
function otherFormats(): { name: string; image: NativeImage }[] {
  const grey = (p: number): number => (rgb[p * 3]! * 77 + rgb[p * 3 + 1]! * 150 + rgb[p * 3 + 2]! * 29) >> 8;
  const greyPalette = (bits: number): PixelFormat => {
    const entries = 2 ** bits;
    const palette = new Uint8Array(entries * 4);
    for (let i = 0; i < entries; i++) {
      const level = Math.round((i * 255) / (entries - 1));
      palette.set([level, level, level, 255], i * 4);
    }
    return { kind: 'indexed', bitsPerPixel: bits as 1 | 4 | 8, palette };
  };
  const indexed = (bits: 1 | 4 | 8): NativeImage => {
    const stride = Math.ceil((width * bits) / 8);
    const pixels = new Uint8Array(stride * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const index = grey(y * width + x) >> (8 - bits);
        const bit = x * bits;
        pixels[y * stride + (bit >> 3)]! |= index << (8 - bits - (bit & 7));
      }
    }
    return { width, height, format: greyPalette(bits), pixels };
  };
  const rgb565 = new Uint8Array(pixelCount * 2);
  const argb = new Uint8Array(pixelCount * 4);
  for (let p = 0; p < pixelCount; p++) {
    const word = ((rgb[p * 3]! >> 3) << 11) | ((rgb[p * 3 + 1]! >> 2) << 5) | (rgb[p * 3 + 2]! >> 3);
    rgb565[p * 2] = word & 0xff;
    rgb565[p * 2 + 1] = word >> 8;
    argb.set([rgb[p * 3 + 2]!, rgb[p * 3 + 1]!, rgb[p * 3]!, 255 - (p % 256)], p * 4);
  }
  return [
    { name: '1-bit indexed', image: indexed(1) },
    { name: '4-bit indexed', image: indexed(4) },
    { name: '8-bit indexed', image: indexed(8) },
    {
      name: '16-bit 5-6-5',
      image: { width, height, format: { kind: 'masked', bitsPerPixel: 16, masks: { red: 0xf800, green: 0x07e0, blue: 0x001f, alpha: 0 } }, pixels: rgb565 },
    },
    { name: '24-bit BGR', image: bgrImage() },
    { name: '32-bit ARGB', image: { width, height, format: { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 }, pixels: argb } },
  ];
}

const image = bgrImage();
const file = encode(image);
const fileBuffer = Buffer.from(file);
const abgr = Buffer.alloc(pixelCount * 4);
for (let p = 0; p < pixelCount; p++) abgr.set([255, rgb[p * 3 + 2]!, rgb[p * 3 + 1]!, rgb[p * 3]!], p * 4);

const mb = (file.length / 1e6).toFixed(1);
console.log(`image: astronaut.png tiled ${TILES}×${TILES} = ${width}×${height}, 24-bit BMP of ${mb} MB; medians of ${RUNS} runs`);

const copyMs = medianMs(() => file.slice(), RUNS);
const decodeRows: [string, number][] = [
  ['copy the file bytes (floor)', copyMs],
  ['ours: decode → NativeImage', medianMs(() => decode(file), RUNS)],
  ['ours: decode + toRgba', medianMs(() => toRgba(decode(file)), RUNS)],
  ['fast-bmp: decode → RGB', medianMs(() => fastBmpDecode(file), RUNS)],
  ['bmp-js: decode → ABGR', medianMs(() => bmpJs.decode(fileBuffer), RUNS)],
  ['bmp-ts: decode → RGBA', medianMs(() => bmpTsDecode(fileBuffer, { toRGBA: true }), RUNS)],
];
const oursFull = decodeRows[2]![1];
printTable(
  'Decode a 24-bit BMP',
  ['decoder', 'ms', 'MB/s', '× time of ours + toRgba'],
  decodeRows.map(([name, ms]) => [name, ms, mbPerSecond(file.length, ms), ms / oursFull]),
);

const encodeRows: [string, number][] = [
  ['ours: NativeImage → BMP', medianMs(() => encode(image), RUNS)],
  ['fast-bmp: RGB → BMP', medianMs(() => fastBmpEncode({ width, height, channels: 3, bitsPerPixel: 24, data: rgb }), RUNS)],
  ['bmp-js: ABGR → BMP', medianMs(() => bmpJs.encode({ width, height, data: abgr }), RUNS)],
];
const oursEncode = encodeRows[0]![1];
printTable(
  'Encode a 24-bit BMP',
  ['encoder', 'ms', 'MB/s', '× time of ours'],
  encodeRows.map(([name, ms]) => [name, ms, mbPerSecond(file.length, ms), ms / oursEncode]),
);

printTable(
  `toRgba by pixel format (${width}×${height})`,
  ['format', 'ms', 'Mpixel/s'],
  otherFormats().map(({ name, image: each }) => {
    const ms = medianMs(() => toRgba(each), RUNS);
    return [name, ms, pixelCount / 1e6 / (ms / 1000)];
  }),
);

const suiteFiles = ['g/pal8rle.bmp', 'g/pal4rle.bmp', 'g/pal8.bmp', 'g/rgb16-565.bmp', 'g/rgb32bf.bmp'];
printTable(
  'Decode small BMP Suite files (127×64), 200 decodes per run',
  ['file', 'µs per decode'],
  suiteFiles.map((name) => {
    const bytes = readFileSync(new URL(`../../shared/bmpsuite/${name}`, import.meta.url));
    const ms = medianMs(() => {
      for (let i = 0; i < 200; i++) decode(bytes);
    }, RUNS);
    return [name, (ms * 1000) / 200];
  }),
);
