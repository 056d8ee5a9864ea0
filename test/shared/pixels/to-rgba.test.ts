import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASKS_555, MASKS_ARGB32, MASKS_XRGB32, type NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { createRgbaMapper, toRgba } from '../../../shared/pixels/to-rgba.ts';

const rgba = (image: NativeImage): number[] => [...toRgba(image)];

describe('toRgba', () => {
  it('unpacks 2-bit indices most significant bits first, and shows indices past the palette as opaque black', () => {
    // One row of 5 pixels: indices 0 1 2 3 1 → bits 00 01 10 11 | 01 00 00 00.
    const image: NativeImage = {
      width: 5,
      height: 1,
      format: { kind: 'indexed', bitsPerPixel: 2, palette: Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 255]) },
      pixels: Uint8Array.from([0b00011011, 0b01000000]),
    };
    expect(rgba(image)).toEqual([10, 20, 30, 255, 40, 50, 60, 255, 0, 0, 0, 255, 0, 0, 0, 255, 40, 50, 60, 255]);
  });

  it('starts each row of a sub-byte image on a byte boundary', () => {
    // 3×2 at 1 bit: row 0 is 1 0 1, row 1 is 0 1 0, one byte each.
    const image: NativeImage = {
      width: 3,
      height: 2,
      format: { kind: 'indexed', bitsPerPixel: 1, palette: Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255]) },
      pixels: Uint8Array.from([0b10100000, 0b01000000]),
    };
    const grey = rgba(image).filter((_, i) => i % 4 === 0);
    expect(grey).toEqual([255, 0, 255, 0, 255, 0]);
  });

  it('swaps BGR to RGB and makes it opaque', () => {
    const image: NativeImage = { width: 1, height: 1, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels: Uint8Array.from([1, 2, 3]) };
    expect(rgba(image)).toEqual([3, 2, 1, 255]);
  });

  it('scales 5-bit channels so that 0 and 31 become 0 and 255, and leaves a masked-out alpha opaque', () => {
    // 5-5-5 words: 0x7fff (white), 0x0000 (black), 0x4210 (16,16,16), 0x8000 (only the unused bit).
    const image: NativeImage = {
      width: 4,
      height: 1,
      format: { kind: 'masked', bitsPerPixel: 16, masks: MASKS_555 },
      pixels: Uint8Array.from([0xff, 0x7f, 0x00, 0x00, 0x10, 0x42, 0x00, 0x80]),
    };
    // 16 × 255 / 31 = 131.6 → 132.
    expect(rgba(image)).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 132, 132, 132, 255, 0, 0, 0, 255]);
  });

  it('reads 32-bit words little-endian, with and without an alpha mask', () => {
    const pixels = Uint8Array.from([0x11, 0x22, 0x33, 0x44]); // word 0x44332211
    const xrgb: NativeImage = { width: 1, height: 1, format: { kind: 'masked', bitsPerPixel: 32, masks: MASKS_XRGB32 }, pixels };
    const argb: NativeImage = { ...xrgb, format: { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 } };
    expect(rgba(xrgb)).toEqual([0x33, 0x22, 0x11, 255]);
    expect(rgba(argb)).toEqual([0x33, 0x22, 0x11, 0x44]);
  });

  it('gives the same result on the whole-byte fast path as pixel by pixel, for any byte order', () => {
    const byteOrder = fc.tuple(fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }), fc.boolean());
    fc.assert(
      fc.property(byteOrder, fc.uint8Array({ minLength: 12, maxLength: 12 }), ([order, withAlpha], pixels) => {
        const [red, green, blue, alpha] = order.map((byte) => (0xff * 2 ** (8 * byte)) >>> 0);
        const format = { kind: 'masked', bitsPerPixel: 32, masks: { red: red!, green: green!, blue: blue!, alpha: withAlpha ? alpha! : 0 } } as const;
        const map = createRgbaMapper(format);
        const expected = [0, 4, 8].flatMap((i) => {
          const word = map(pixels[i]! | (pixels[i + 1]! << 8) | (pixels[i + 2]! << 16) | (pixels[i + 3]! << 24));
          return [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24];
        });
        expect(rgba({ width: 3, height: 1, format, pixels })).toEqual(expected);
      }),
    );
  });

  it('reduces channels wider than 8 bits, such as 10-10-10-2, by rounding', () => {
    // red 0x3ff (max), green 0x200 (512 of 1023), blue 0, alpha 0b01 (1 of 3).
    const word = (0b01 << 30) | (0x3ff << 20) | (0x200 << 10) | 0;
    const image: NativeImage = {
      width: 1,
      height: 1,
      format: { kind: 'masked', bitsPerPixel: 32, masks: { red: 0x3ff00000, green: 0x000ffc00, blue: 0x3ff, alpha: 0xc0000000 } },
      pixels: Uint8Array.from([word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24]),
    };
    // 512 × 255 / 1023 = 127.6 → 128; 1 × 255 / 3 = 85.
    expect(rgba(image)).toEqual([255, 128, 0, 85]);
  });
});

describe('createRgbaMapper', () => {
  /** An RGBA word as its four bytes, red first. */
  const bytesOf = (word: number): number[] => [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24];

  it('maps palette indices, and indices past the palette to opaque black', () => {
    const map = createRgbaMapper({ kind: 'indexed', bitsPerPixel: 4, palette: Uint8Array.from([1, 2, 3, 255]) });
    expect(bytesOf(map(0))).toEqual([1, 2, 3, 255]);
    expect(bytesOf(map(15))).toEqual([0, 0, 0, 255]);
  });

  it('maps a 24-bit little-endian BGR word', () => {
    const map = createRgbaMapper({ kind: 'bgr', bitsPerPixel: 24 });
    expect(bytesOf(map(0x010203))).toEqual([1, 2, 3, 255]);
  });

  it('accepts 32-bit words built with << 24, which are negative int32 values', () => {
    const map = createRgbaMapper({ kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 });
    const raw = 0x33 | (0x22 << 8) | (0x11 << 16) | (0x80 << 24);
    expect(raw).toBeLessThan(0);
    expect(bytesOf(map(raw))).toEqual([0x11, 0x22, 0x33, 0x80]);
    expect(map(raw)).toBeGreaterThan(0);
  });

  it('agrees with toRgba on every 16-bit word', () => {
    const format = { kind: 'masked', bitsPerPixel: 16, masks: MASKS_555 } as const;
    const pixels = new Uint8Array(2 * 65536);
    for (let raw = 0; raw < 65536; raw++) pixels.set([raw & 0xff, raw >> 8], raw * 2);
    const all = toRgba({ width: 65536, height: 1, format, pixels });
    const map = createRgbaMapper(format);
    for (let raw = 0; raw < 65536; raw++) {
      if (map(raw) !== new DataView(all.buffer).getUint32(raw * 4, true)) expect.fail(`word 0x${raw.toString(16)}`);
    }
  });
});
