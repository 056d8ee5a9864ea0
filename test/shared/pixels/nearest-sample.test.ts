import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampledPixel, sampleScreenRect, screenSpan, shownHeight } from '../../../shared/pixels/nearest-sample.ts';

describe('nearest-sample', () => {
  it('samples the image pixel under each screen pixel centre', () => {
    // 1920 shown on 800: screen pixel d covers image [2.4 d, 2.4 d + 2.4), centre 2.4 d + 1.2.
    expect([0, 1, 2, 3, 799].map((d) => sampledPixel(d, 800, 1920))).toEqual([1, 3, 6, 8, 1918]);
    // At full size each pixel is itself.
    expect([0, 1, 599].map((d) => sampledPixel(d, 600, 600))).toEqual([0, 1, 599]);
  });

  it('finds exactly the screen pixels whose samples lie in an image range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.nat(), fc.nat(), (size, shownRaw, a, b) => {
        const shown = Math.min(size, shownRaw);
        const from = a % (size + 1);
        const to = from + (b % (size - from + 1));
        const [first, end] = screenSpan(from, to, shown, size);
        for (let d = Math.max(0, first - 2); d < Math.min(shown, end + 2); d++) {
          const inside = sampledPixel(d, shown, size) >= from && sampledPixel(d, shown, size) < to;
          expect(inside).toBe(d >= first && d < end);
        }
        expect(first).toBeGreaterThanOrEqual(0);
        expect(end).toBeLessThanOrEqual(shown);
      }),
    );
  });

  it('spans the whole screen for the whole image, every sample inside it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), (size, shownRaw) => {
        const shown = Math.min(size, shownRaw);
        expect(screenSpan(0, size, shown, size)).toEqual([0, shown]);
        expect(sampledPixel(shown - 1, shown, size)).toBeLessThan(size);
      }),
    );
  });

  it('keeps the aspect ratio, at least one row', () => {
    expect(shownHeight(1920, 1080, 800)).toBe(450);
    expect(shownHeight(4000, 3000, 801)).toBe(601);
    expect(shownHeight(5000, 1, 10)).toBe(1);
  });

  it('copies the sampled pixels of a screen rectangle, rows top-down', () => {
    // A 4 × 4 image whose pixel (x, y) is the word 10 y + x, shown at 2 × 2: centres at 1 and 3.
    const image = Uint32Array.from({ length: 16 }, (_, p) => 10 * Math.floor(p / 4) + (p % 4));
    const all = sampleScreenRect(image, { width: 4, height: 4 }, { width: 2, height: 2 }, { x0: 0, x1: 2, y0: 0, y1: 2 });
    expect([...all]).toEqual([11, 13, 31, 33]);
    const corner = sampleScreenRect(image, { width: 4, height: 4 }, { width: 2, height: 2 }, { x0: 1, x1: 2, y0: 1, y1: 2 });
    expect([...corner]).toEqual([33]);
  });
});
