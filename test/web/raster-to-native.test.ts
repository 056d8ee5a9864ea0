import { describe, expect, it } from 'vitest';
import { rasterToNative } from '../../web/src/image/raster-to-native.ts';

describe('rasterToNative', () => {
  // 2×1: red, green — both opaque
  it('makes 24-bit BGR from opaque pixels', () => {
    const image = rasterToNative(2, 1, new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255]));
    expect(image.format).toEqual({ kind: 'bgr', bitsPerPixel: 24 });
    expect([...image.pixels]).toEqual([0, 0, 255, 0, 255, 0]);
  });

  // 2×1: blue half-transparent, white opaque
  it('makes 32-bit B, G, R, A words with an alpha mask when any pixel is translucent', () => {
    const image = rasterToNative(2, 1, new Uint8Array([0, 0, 255, 128, 255, 255, 255, 255]));
    expect(image.format).toMatchObject({ kind: 'masked', bitsPerPixel: 32, masks: { alpha: 0xff000000 } });
    expect([...image.pixels]).toEqual([255, 0, 0, 128, 255, 255, 255, 255]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => rasterToNative(2, 2, new Uint8Array(4))).toThrow(RangeError);
  });
});
