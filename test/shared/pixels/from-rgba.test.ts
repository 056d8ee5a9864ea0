import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BmpError, BmpErrorCode } from '../../../shared/bmp/index.ts';
import { fromRgba } from '../../../shared/pixels/from-rgba.ts';
import { MASKS_ARGB32 } from '../../../shared/pixels/pixel-format.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';

describe('fromRgba', () => {
  it('keeps opaque images as 24-bit BGR', () => {
    const image = fromRgba(2, 1, Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 255]));
    expect(image.format).toEqual({ kind: 'bgr', bitsPerPixel: 24 });
    expect([...image.pixels]).toEqual([3, 2, 1, 6, 5, 4]);
  });

  it('keeps images with any transparency as 32-bit ARGB words', () => {
    const image = fromRgba(2, 1, Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 7]));
    expect(image.format).toEqual({ kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 });
    expect([...image.pixels]).toEqual([3, 2, 1, 255, 6, 5, 4, 7]);
  });

  it('loses nothing: toRgba(fromRgba(x)) equals x', () => {
    const rgbaImage = fc
      .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.boolean())
      .chain(([width, height, opaque]) =>
        fc.uint8Array({ minLength: width * height * 4, maxLength: width * height * 4 }).map((rgba) => {
          if (opaque) for (let o = 3; o < rgba.length; o += 4) rgba[o] = 255;
          return { width, height, rgba };
        }),
      );
    fc.assert(
      fc.property(rgbaImage, ({ width, height, rgba }) => {
        expect(toRgba(fromRgba(width, height, rgba))).toEqual(rgba);
      }),
    );
  });

  it('takes a canvas Uint8ClampedArray as it is', () => {
    const image = fromRgba(1, 1, Uint8ClampedArray.from([1, 2, 3, 255]));
    expect([...image.pixels]).toEqual([3, 2, 1]);
  });

  it('refuses a buffer whose size does not match the dimensions with ERR_BMP_INVALID_IMAGE', () => {
    expect(() => fromRgba(2, 2, new Uint8Array(15))).toThrow(BmpError);
    expect(() => fromRgba(2, 2, new Uint8Array(15))).toThrow(expect.objectContaining({ code: BmpErrorCode.INVALID_IMAGE }));
  });
});
