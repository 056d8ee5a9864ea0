import { describe, expect, it } from 'vitest';
import { BAND_ROWS, DirtyBands } from '../../../shared/picture/dirty-bands.ts';

// A 100 × 64 image: four bands of 16 rows.
const W = 100;
const at = (x: number, y: number) => y * W + x;

describe('DirtyBands', () => {
  it('keeps changes far apart as separate small rectangles, not one bounding box', () => {
    const bands = new DirtyBands(W, 64);
    bands.addSpan(at(10, 1), at(19, 1));
    bands.addSpan(at(70, 60), at(79, 60));
    expect(bands.take()).toEqual([
      { x: 10, y: 1, width: 10, height: 1 },
      { x: 70, y: 60, width: 10, height: 1 },
    ]);
    expect(bands.dirty).toBe(false);
    expect(bands.take()).toEqual([]);
  });

  it('grows a band to the box of its own changes, and a span that wraps to whole rows', () => {
    const bands = new DirtyBands(W, 64);
    bands.addSpan(at(10, 2), at(19, 2));
    bands.addSpan(at(40, 5), at(49, 5));
    bands.addSpan(at(90, 40), at(5, 41));
    expect(bands.take()).toEqual([
      { x: 10, y: 2, width: 40, height: 4 },
      { x: 0, y: 40, width: W, height: 2 },
    ]);
  });

  it('merges adjacent bands that span the same columns', () => {
    const bands = new DirtyBands(W, 64);
    bands.addSpan(at(0, 0), at(W - 1, 63));
    expect(bands.take()).toEqual([{ x: 0, y: 0, width: W, height: 64 }]);
  });

  it('hands out at most the pixel budget per take, at least one band, and the rest later in band order', () => {
    const bands = new DirtyBands(W, 64);
    bands.addSpan(at(0, 0), at(W - 1, 63));
    const band = W * BAND_ROWS;
    expect(bands.take(band * 2)).toEqual([{ x: 0, y: 0, width: W, height: 32 }]);
    expect(bands.dirty).toBe(true);
    // A change in an earlier band waits until the bands already pending have had their turn.
    bands.addSpan(at(5, 3), at(6, 3));
    expect(bands.take(1)).toEqual([{ x: 0, y: 32, width: W, height: 16 }]);
    expect(bands.take(band)).toEqual([{ x: 0, y: 48, width: W, height: 16 }]);
    expect(bands.take(band)).toEqual([{ x: 5, y: 3, width: 2, height: 1 }]);
    expect(bands.dirty).toBe(false);
  });

  it('covers a last band shorter than the others', () => {
    const bands = new DirtyBands(W, 20);
    bands.addSpan(at(0, 19), at(W - 1, 19));
    expect(bands.take()).toEqual([{ x: 0, y: 19, width: W, height: 1 }]);
  });
});
