/** The picture on its own: changes announced once until taken, and the views built from its coverage. */
import { describe, expect, it } from 'vitest';
import { Picture, type Coverage } from '../../../shared/picture/index.ts';

const rgba = (r: number, g: number, b: number, a = 255): number => (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;

/** A coverage that says what the test tells it. */
function coverage(missing: number[], pixelCount: number): Coverage & { missing: Set<number> } {
  const set = new Set(missing);
  return {
    missing: set,
    missingPixelMask: () => Uint8Array.from({ length: pixelCount }, (_, i) => (set.has(i) ? 1 : 0)),
    get complete() {
      return set.size === 0;
    },
  };
}

describe('Picture', () => {
  it('starts transparent black with nothing to take', () => {
    const picture = new Picture(4, 3, coverage([], 12));
    expect(picture.rgba).toHaveLength(48);
    expect(picture.rgba.every((byte) => byte === 0)).toBe(true);
    expect(picture.words.buffer).toBe(picture.rgba.buffer);
    expect(picture.hasDirtyRects).toBe(false);
    expect(picture.takeDirtyRects()).toEqual([]);
  });

  it('tells its watchers once when changes start waiting, and again only after they were taken', () => {
    const picture = new Picture(100, 64, coverage([], 6400));
    let calls = 0;
    const unwatch = picture.onChange(() => calls++);
    picture.changed(0, 99);
    picture.changed(100, 150);
    picture.changed(6300, 6399);
    expect(calls).toBe(1);
    expect(picture.hasDirtyRects).toBe(true);
    expect(picture.takeDirtyRects()).toEqual([
      { x: 0, y: 0, width: 100, height: 2 },
      { x: 0, y: 63, width: 100, height: 1 },
    ]);
    expect(picture.hasDirtyRects).toBe(false);
    picture.changed(5, 5);
    expect(calls).toBe(2);
    // A partial take leaves changes waiting: no new call until the picture was emptied.
    picture.changed(6399, 6399);
    expect(picture.takeDirtyRects(1)).toEqual([{ x: 5, y: 0, width: 1, height: 1 }]);
    picture.changed(7, 7);
    expect(calls).toBe(2);
    picture.takeDirtyRects();
    unwatch();
    picture.changed(0, 0);
    expect(calls).toBe(2);
  });

  it('bands its changes in rows of bandRows', () => {
    const picture = new Picture(10, 40, coverage([], 400));
    picture.changed(0, 399);
    const rects = picture.takeDirtyRects(10 * picture.bandRows);
    expect(rects).toEqual([{ x: 0, y: 0, width: 10, height: picture.bandRows }]);
  });

  it('conceals the holes its coverage names, in a copy, and not once complete', () => {
    // . N .
    // W ? E
    // . S .
    const cover = coverage([4], 9);
    const picture = new Picture(3, 3, cover);
    picture.words.fill(rgba(10, 10, 10));
    picture.words[1] = rgba(100, 0, 0);
    picture.words[3] = rgba(0, 100, 0);
    picture.words[5] = rgba(0, 0, 100);
    picture.words[7] = rgba(100, 100, 100);
    picture.words[4] = 0;
    const before = picture.rgba.slice();
    const concealed = picture.displayRgba(true);
    expect(picture.rgba).toEqual(before);
    expect(new Uint32Array(concealed.buffer)[4]).toBe(rgba(50, 50, 50));
    expect(picture.displayRgba(false)).toEqual(before);
    expect([...picture.missingPixelMask()]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const into = new Uint8ClampedArray(before.length);
    expect(picture.displayRgba(true, into)).toBe(into);
    cover.missing.clear();
    expect(picture.displayRgba(true)).toEqual(before);
  });
});
