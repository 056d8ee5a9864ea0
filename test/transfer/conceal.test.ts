import { describe, expect, it } from 'vitest';
import { conceal } from '../../shared/transfer/index.ts';

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
});
