import { describe, expect, it } from 'vitest';
import { conceal } from '../../../shared/picture/index.ts';

const rgba = (r: number, g: number, b: number, a = 255): number => (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;

describe('conceal', () => {
  it('fills an isolated hole with the mean of its four neighbours', () => {
    // . N .
    // W ? E
    // . S .
    const pixels = new Uint32Array(9).fill(rgba(1, 1, 1));
    pixels[1] = rgba(100, 0, 0);
    pixels[3] = rgba(0, 100, 0);
    pixels[5] = rgba(0, 0, 100);
    pixels[7] = rgba(100, 100, 100);
    pixels[4] = 0;
    const missing = new Uint8Array(9);
    missing[4] = 1;
    conceal(pixels, missing, 3, 3);
    expect(pixels[4]! >>> 0).toBe(rgba(50, 50, 50));
  });

  it('fills a large hole inwards from its edges and leaves received pixels alone', () => {
    const width = 9;
    const pixels = new Uint32Array(width * width).fill(rgba(200, 100, 50));
    const missing = new Uint8Array(width * width);
    for (let y = 2; y < 7; y++) for (let x = 2; x < 7; x++) missing[y * width + x] = 1;
    for (let p = 0; p < missing.length; p++) if (missing[p]) pixels[p] = 0;
    conceal(pixels, missing, width, width);
    expect([...pixels].every((v) => v >>> 0 === rgba(200, 100, 50))).toBe(true);
  });

  it('leaves an image with nothing received as it is', () => {
    const pixels = new Uint32Array(4);
    conceal(pixels, new Uint8Array(4).fill(1), 2, 2);
    expect([...pixels]).toEqual([0, 0, 0, 0]);
  });

  it('bridges a band of missing rows by interpolating down each column', () => {
    const width = 3;
    const height = 40;
    const pixels = Uint32Array.from({ length: width * height }, (_, p) => rgba(Math.floor(p / width) * 5, 0, 0));
    const missing = new Uint8Array(width * height);
    for (let p = 10 * width; p < 30 * width; p++) {
      missing[p] = 1;
      pixels[p] = 0;
    }
    conceal(pixels, missing, width, height);
    const reds = Array.from({ length: height }, (_, y) => pixels[y * width + 1]! & 0xff);
    expect(reds.slice(0, 10)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
    // Inside the band: opaque, rising from the row above it to the row below it.
    for (let y = 10; y < 30; y++) {
      expect(reds[y]!).toBeGreaterThanOrEqual(reds[y - 1]!);
      expect(pixels[y * width + 1]! >>> 24).toBe(255);
    }
    expect(reds[29]!).toBeLessThanOrEqual(150);
  });

  it('fills the unsent bottom of an image from the last rows that arrived', () => {
    const width = 50;
    const height = 60;
    const pixels = new Uint32Array(width * height).fill(rgba(10, 20, 30));
    const missing = new Uint8Array(width * height).fill(1, 20 * width);
    pixels.fill(0, 20 * width);
    conceal(pixels, missing, width, height);
    expect([...pixels].every((v) => v >>> 0 === rgba(10, 20, 30))).toBe(true);
  });

  it('fills columns with nothing known along their rows', () => {
    // Only the first and last columns arrived; the middle ones are too wide for neighbour passes.
    const width = 16;
    const height = 2;
    const pixels = new Uint32Array(width * height);
    const missing = new Uint8Array(width * height).fill(1);
    for (let y = 0; y < height; y++) {
      pixels[y * width] = rgba(0, 0, 0);
      pixels[y * width + width - 1] = rgba(150, 150, 150);
      missing[y * width] = missing[y * width + width - 1] = 0;
    }
    conceal(pixels, missing, width, height);
    const reds = [...pixels.subarray(0, width)].map((v) => v & 0xff);
    expect(reds[0]).toBe(0);
    expect(reds[width - 1]).toBe(150);
    for (let x = 1; x < width; x++) expect(reds[x]!).toBeGreaterThanOrEqual(reds[x - 1]!);
    expect(reds[7]! > 0 && reds[8]! < 150).toBe(true);
    expect([...pixels].every((v) => v >>> 24 === 255)).toBe(true);
  });

  it('with few pixels known, gives the holes beside them the mean of their known neighbours, as with many', () => {
    const width = 17;
    const height = 17;
    const pixels = new Uint32Array(width * height);
    const missing = new Uint8Array(width * height).fill(1);
    const keep = (x: number, y: number, value: number): void => {
      pixels[y * width + x] = value;
      missing[y * width + x] = 0;
    };
    keep(4, 4, rgba(10, 20, 30));
    keep(6, 4, rgba(21, 40, 60));
    keep(12, 12, rgba(200, 100, 50));
    conceal(pixels, missing, width, height);
    const at = (x: number, y: number): number => pixels[y * width + x]!;
    // Beside both of the first two: their mean, halves rounded up.
    expect(at(5, 4)).toBe(rgba(16, 30, 45));
    // Beside one: its value.
    for (const [x, y] of [[3, 4], [4, 3], [4, 5], [7, 4], [6, 5]] as const) expect(at(x, y)).toBe(at(x < 5 ? 4 : 6, 4));
    for (const [x, y] of [[11, 12], [13, 12], [12, 11], [12, 13]] as const) expect(at(x, y)).toBe(rgba(200, 100, 50));
  });

  it('turns a sparse interlaced grid into a close picture of a smooth image', () => {
    // Adam7 pass 1 (every 8th pixel both ways) plus the start of pass 2 in the top rows.
    const width = 64;
    const height = 64;
    const truth = Uint32Array.from({ length: width * height }, (_, p) => rgba((p % width) * 3, Math.floor(p / width) * 3, 100));
    const pixels = new Uint32Array(width * height);
    const missing = new Uint8Array(width * height).fill(1);
    const keep = (x: number, y: number): void => {
      pixels[y * width + x] = truth[y * width + x]!;
      missing[y * width + x] = 0;
    };
    for (let y = 0; y < height; y += 8) for (let x = 0; x < width; x += 8) keep(x, y);
    for (let x = 4; x < width; x += 8) keep(x, 0);
    conceal(pixels, missing, width, height);
    let worst = 0;
    for (let p = 0; p < pixels.length; p++) {
      for (let shift = 0; shift < 24; shift += 8) {
        worst = Math.max(worst, Math.abs(((pixels[p]! >>> shift) & 0xff) - ((truth[p]! >>> shift) & 0xff)));
      }
    }
    // Past the last grid row and column the nearest known value is copied: off by up to 7 steps of 3.
    expect(worst).toBeLessThanOrEqual(21);
  });
});
