/**
 * Scan orders: which raster pixel (y × width + x) is the k-th pixel sent. Packet s carries send
 * order pixels [s × n, (s + 1) × n), n = pixels per packet, so a packet's pixel positions follow
 * from the manifest and its sequence number alone.
 */
import type { ScanOrder } from '../protocol/index.ts';

export interface PixelOrder {
  /** True when send order is raster order, which allows bulk copies. */
  readonly isRaster: boolean;
  /** Writes the raster indices of send-order pixels [start, start + count) into out[0 … count). */
  fill(start: number, count: number, out: Uint32Array): void;
}

/** (a × b) mod m for integers below 2^32 without losing precision past 2^53. */
export function mulMod(a: number, b: number, m: number): number {
  const high = Math.floor(b / 65536);
  const low = b % 65536;
  return (((a * high) % m) * 65536 + a * low) % m;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Inverse of a modulo m (a coprime with m), by the extended Euclidean algorithm. */
function modInverse(a: number, m: number): number {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

const rows: PixelOrder = {
  isRaster: true,
  fill(start, count, out) {
    for (let i = 0; i < count; i++) out[i] = start + i;
  },
};

/** Adam7 (PNG spec, section 8.2): x0, y0, dx, dy of each of the seven passes. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function interlaced(width: number, height: number): PixelOrder {
  const passes = ADAM7.map(([x0, y0, dx, dy]) => {
    const columns = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    const passRows = height > y0 ? Math.ceil((height - y0) / dy) : 0;
    return { x0, y0, dx, dy, columns, rows: passRows, count: columns * passRows };
  }).filter((pass) => pass.count > 0);
  const firsts: number[] = [];
  let total = 0;
  for (const pass of passes) {
    firsts.push(total);
    total += pass.count;
  }
  return {
    isRaster: false,
    fill(start, count, out) {
      let p = passes.length - 1;
      while (firsts[p]! > start) p--;
      let pass = passes[p]!;
      const offset = start - firsts[p]!;
      let row = Math.floor(offset / pass.columns);
      let column = offset - row * pass.columns;
      for (let i = 0; i < count; i++) {
        out[i] = (pass.y0 + row * pass.dy) * width + pass.x0 + column * pass.dx;
        if (++column === pass.columns) {
          column = 0;
          if (++row === pass.rows && p + 1 < passes.length) {
            pass = passes[++p]!;
            row = 0;
          }
        }
      }
    },
  };
}

function scattered(pixelCount: number, stride: number): PixelOrder {
  return {
    isRaster: false,
    fill(start, count, out) {
      let position = mulMod(stride, start, pixelCount);
      for (let i = 0; i < count; i++) {
        out[i] = position;
        position += stride;
        if (position >= pixelCount) position -= pixelCount;
      }
    },
  };
}

export function createPixelOrder(order: ScanOrder, width: number, height: number): PixelOrder {
  if (order.kind === 'rows') return rows;
  if (order.kind === 'interlaced') return interlaced(width, height);
  return scattered(width * height, order.stride);
}

const GOLDEN_FRACTION = 0.6180339887498949;
const STRIDE_CANDIDATES = 4096;

/**
 * Picks the stride of the `scattered` order. Starting near pixelCount × 0.618 (a golden-ratio
 * step spreads consecutive send positions evenly over the image), it looks for a stride coprime
 * with the pixel count for which no two pixels of one packet are neighbours (left, right, above,
 * below, diagonal): then a lost packet leaves only isolated holes, each with all its neighbours
 * intact, which is what concealment needs. When no candidate achieves that (tiny images), the
 * one whose same-packet neighbours are furthest apart in send order wins.
 */
export function chooseScatterStride(width: number, height: number, pixelsPerPacket: number): number {
  const pixelCount = width * height;
  if (pixelCount <= 2) return pixelCount - 1;
  const neighbourOffsets = [1, width - 1, width, width + 1].filter((o) => o > 0 && o < pixelCount);
  const base = Math.round(pixelCount * GOLDEN_FRACTION);
  let best = -1;
  let bestDistance = -1;
  for (let i = 0; i < STRIDE_CANDIDATES; i++) {
    // base, base + 1, base − 1, base + 2, …
    const stride = base + (i % 2 === 0 ? i / 2 : -(i + 1) / 2);
    if (stride < 1 || stride >= pixelCount || gcd(stride, pixelCount) !== 1) continue;
    const inverse = modInverse(stride, pixelCount);
    let distance = Infinity;
    for (const offset of neighbourOffsets) {
      // Send-order distance between a pixel and its neighbour at raster offset `offset`.
      const d = mulMod(offset, inverse, pixelCount);
      distance = Math.min(distance, d, pixelCount - d);
    }
    if (distance >= pixelsPerPacket) return stride;
    if (distance > bestDistance) [best, bestDistance] = [stride, distance];
  }
  return best;
}
