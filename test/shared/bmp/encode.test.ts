import { readFileSync, readdirSync } from 'node:fs';
import bmpJs from 'bmp-js';
import fc from 'fast-check';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { BmpError, BmpErrorCode, decodeBmp, encodeBmp, readBmp, type BmpEncodeFormat } from '../../../shared/bmp/index.ts';
import { fromRgba } from '../../../shared/pixels/from-rgba.ts';
import {
  MASKS_555,
  MASKS_ARGB32,
  rowBytes,
  type ChannelMasks,
  type NativeImage,
  type PixelFormat,
} from '../../../shared/pixels/pixel-format.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';
import { BMP_SUITE_DIR, PHOTOS_DIR } from '../../fixtures/paths.ts';


/** The native image a file holds. */
function readImage(bytes: Uint8Array): NativeImage {
  return readBmp(bytes).image;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof BmpError ? error.code : `not a BmpError: ${String(error)}`;
  }
  return 'encoded';
}

/** Contiguous, disjoint masks: channel widths packed in a random order from a random start bit. */
function masksArbitrary(bitsPerPixel: 16 | 32): fc.Arbitrary<ChannelMasks> {
  return fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 4, maxLength: 4 }),
      fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
      fc.integer({ min: 0, max: bitsPerPixel }),
    )
    .filter(([widths, , start]) => widths[0]! + widths[1]! + widths[2]! > 0 && widths.reduce((a, b) => a + b) + start <= bitsPerPixel)
    .map(([widths, order, start]) => {
      const masks = [0, 0, 0, 0];
      let position = start;
      for (const channel of order) {
        masks[channel] = ((2 ** widths[channel]! - 1) * 2 ** position) >>> 0;
        position += widths[channel]!;
      }
      return { red: masks[0]!, green: masks[1]!, blue: masks[2]!, alpha: masks[3]! };
    });
}

/** Opaque palettes of 1 to 2^bits entries (`full`: exactly 2^bits). */
function indexedArbitrary(depths: readonly (1 | 2 | 4 | 8)[], full: boolean): fc.Arbitrary<PixelFormat> {
  return fc.constantFrom(...depths).chain((bitsPerPixel) =>
    fc
      .integer({ min: full ? 2 ** bitsPerPixel : 1, max: 2 ** bitsPerPixel })
      .chain((entries) => fc.uint8Array({ minLength: entries * 3, maxLength: entries * 3 }))
      .map((rgb): PixelFormat => {
        const palette = new Uint8Array((rgb.length / 3) * 4);
        for (let i = 0; i < rgb.length / 3; i++) palette.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
        return { kind: 'indexed', bitsPerPixel, palette };
      }),
  );
}

const anyFormat: fc.Arbitrary<PixelFormat> = fc.oneof(
  indexedArbitrary([1, 2, 4, 8], false),
  fc.constant<PixelFormat>({ kind: 'bgr', bitsPerPixel: 24 }),
  fc
    .constantFrom(16 as const, 32 as const)
    .chain((bitsPerPixel) => masksArbitrary(bitsPerPixel).map((masks): PixelFormat => ({ kind: 'masked', bitsPerPixel, masks }))),
);

/** A valid image of this size and format, with the bits after the last pixel of each sub-byte row cleared. */
function imageOf(width: number, height: number, format: PixelFormat): fc.Arbitrary<NativeImage> {
  const stride = rowBytes(width, format.bitsPerPixel);
  return fc.uint8Array({ minLength: stride * height, maxLength: stride * height }).map((pixels) => {
    const spareBits = stride * 8 - width * format.bitsPerPixel;
    for (let row = 0; row < height; row++) pixels[row * stride + stride - 1]! &= (0xff << spareBits) & 0xff;
    return { width, height, format, pixels };
  });
}

/** Valid images of the given formats at random sizes. */
function imageArbitrary(formats: fc.Arbitrary<PixelFormat>): fc.Arbitrary<NativeImage> {
  return fc
    .tuple(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 9 }), formats)
    .chain(([width, height, format]) => imageOf(width, height, format));
}

function readPhotoRgba(name: string): { width: number; height: number; rgba: Uint8Array } {
  const png = decodePng(readFileSync(`${PHOTOS_DIR}${name}`));
  const count = png.width * png.height;
  const rgba = new Uint8Array(count * 4);
  for (let p = 0; p < count; p++) {
    rgba.set(png.data.subarray(p * png.channels, p * png.channels + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return { width: png.width, height: png.height, rgba };
}

describe('encode', () => {
  it('writes a 2×2 24-bit image as the expected bytes', () => {
    // Top row red, blue; bottom row green, white (pixels are B, G, R).
    const image: NativeImage = {
      width: 2,
      height: 2,
      format: { kind: 'bgr', bitsPerPixel: 24 },
      pixels: Uint8Array.from([0, 0, 255, 255, 0, 0, 0, 255, 0, 255, 255, 255]),
    };
    // prettier-ignore
    const expected = [
      0x42, 0x4d, 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, // "BM", file size 70, reserved, pixels at 54
      40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0,               // BITMAPINFOHEADER, 2 × 2 (bottom-up)
      1, 0, 24, 0, 0, 0, 0, 0, 16, 0, 0, 0,              // 1 plane, 24 bits, BI_RGB, 16 bytes of pixels
      0x13, 0x0b, 0, 0, 0x13, 0x0b, 0, 0,                // 2835 pixels per metre (72 dpi) both ways
      0, 0, 0, 0, 0, 0, 0, 0,                            // no palette, all colours important
      0, 255, 0, 255, 255, 255, 0, 0,                    // bottom row: green, white, 2 bytes padding
      0, 0, 255, 255, 0, 0, 0, 0,                        // top row: red, blue, 2 bytes padding
    ];
    expect([...encodeBmp(image)]).toEqual(expected);
  });

  it('gives back every image it encodes in its native format: read(encodeBmp(x)) equals x', () => {
    fc.assert(
      fc.property(imageArbitrary(anyFormat), (image) => {
        expect(readImage(encodeBmp(image))).toEqual(image);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips every bit depth at every row width modulo 32 (random sizes and content)', () => {
    const depths: fc.Arbitrary<PixelFormat>[] = [
      ...([1, 2, 4, 8] as const).map((bits) => indexedArbitrary([bits], false)),
      fc.constant<PixelFormat>({ kind: 'bgr', bitsPerPixel: 24 }),
      masksArbitrary(16).map((masks): PixelFormat => ({ kind: 'masked', bitsPerPixel: 16, masks })),
      masksArbitrary(32).map((masks): PixelFormat => ({ kind: 'masked', bitsPerPixel: 32, masks })),
    ];
    for (const formats of depths) {
      for (let residue = 0; residue < 32; residue++) {
        // Width 32k + residue (k from 0 to 3, never 0 wide): every padding and sub-byte tail case.
        const sized = fc.tuple(fc.integer({ min: residue === 0 ? 1 : 0, max: 3 }), fc.integer({ min: 1, max: 6 }), formats);
        fc.assert(
          fc.property(
            sized.chain(([k, height, format]) => imageOf(32 * k + residue, height, format)),
            (image) => {
              expect(readImage(encodeBmp(image))).toEqual(image);
              expect(decodeBmp(encodeBmp(image)).data).toEqual(new Uint8ClampedArray(toRgba(image)));
            },
          ),
          { numRuns: 3 },
        );
      }
    }
  });

  it('re-encodes every BMP Suite file it can read without changing a pixel', () => {
    let count = 0;
    for (const dir of ['g', 'q', 'b']) {
      for (const file of readdirSync(`${BMP_SUITE_DIR}${dir}`)) {
        let image: NativeImage;
        try {
          image = readImage(readFileSync(`${BMP_SUITE_DIR}${dir}/${file}`));
        } catch (error) {
          if (error instanceof BmpError) continue;
          throw error;
        }
        const again = readBmp(encodeBmp(image)).image;
        // A palette with a transparent entry (RLE's unset pixels) is written as 32-bit; every
        // other image keeps its native format.
        const transparentPalette = image.format.kind === 'indexed' && image.format.palette.some((v, i) => i % 4 === 3 && v !== 255);
        if (!transparentPalette) expect({ ...again, pixels: null }, `${dir}/${file}`).toEqual({ ...image, pixels: null });
        // Typed arrays compare far faster as Buffers than through toEqual's element walk.
        expect(Buffer.from(toRgba(again)).equals(toRgba(image)), `${dir}/${file} pixels`).toBe(true);
        count++;
      }
    }
    expect(count).toBe(75);
  });

  it('uses a 40-byte header with BI_RGB for default masks, a V5 header with BI_BITFIELDS otherwise', () => {
    const headerOf = (format: PixelFormat) => {
      const file = encodeBmp({ width: 1, height: 1, format, pixels: new Uint8Array(format.bitsPerPixel / 8) });
      const view = new DataView(file.buffer);
      return { size: view.getUint32(14, true), compression: view.getUint32(30, true) };
    };
    expect(headerOf({ kind: 'masked', bitsPerPixel: 16, masks: MASKS_555 })).toEqual({ size: 40, compression: 0 });
    expect(headerOf({ kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 })).toEqual({ size: 124, compression: 3 });
    expect(headerOf({ kind: 'bgr', bitsPerPixel: 24 })).toEqual({ size: 40, compression: 0 });
  });

  /** Pixels (as RGB) where another BMP reader, bmp-js, disagrees with our own toRgba. */
  function disagreementsWithBmpJs(image: NativeImage): number[] {
    const theirs = bmpJs.decode(Buffer.from(encodeBmp(image)));
    expect([theirs.width, theirs.height]).toEqual([image.width, image.height]);
    const ours = toRgba(image);
    return [...Array(image.width * image.height).keys()].filter(
      (p) =>
        theirs.data[p * 4 + 3] !== ours[p * 4] ||
        theirs.data[p * 4 + 2] !== ours[p * 4 + 1] ||
        theirs.data[p * 4 + 1] !== ours[p * 4 + 2],
    );
  }

  for (const photo of ['astronaut.png', 'coffee.png']) {
    it(`writes ${photo} so that another BMP reader (bmp-js) sees the same pixels`, () => {
      const { width, height, rgba } = readPhotoRgba(photo);
      const image = fromRgba(width, height, rgba);
      expect(image.format.kind).toBe('bgr');
      expect(Buffer.from(toRgba(image)).equals(rgba)).toBe(true);
      expect(disagreementsWithBmpJs(image)).toEqual([]);
    });
  }

  it('writes 1-, 4- and 8-bit palette images that another BMP reader (bmp-js) sees the same way', () => {
    // bmp-js reads neither 2-bit files nor indices past the palette, so give it full palettes.
    const fullPalette = imageArbitrary(indexedArbitrary([1, 4, 8], true));
    fc.assert(
      fc.property(fullPalette, (image) => {
        expect(disagreementsWithBmpJs(image)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  const indexed = (palette: number[], pixels: number[] = [0]): NativeImage => ({
    width: 1,
    height: 1,
    format: { kind: 'indexed', bitsPerPixel: 1, palette: Uint8Array.from(palette) },
    pixels: Uint8Array.from(pixels),
  });
  const invalid: [string, NativeImage][] = [
    ['zero width', { ...indexed([0, 0, 0, 255]), width: 0 }],
    ['a fractional height', { ...indexed([0, 0, 0, 255]), height: 1.5 }],
    ['too few pixel bytes', { ...indexed([0, 0, 0, 255]), width: 9 }],
    ['too many pixel bytes', indexed([0, 0, 0, 255], [0, 0])],
    ['an empty palette', indexed([])],
    ['a palette of 3 entries at 1 bit', indexed([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])],
    ['a palette that is not whole entries', indexed([0, 0, 0, 255, 0])],
    [
      'overlapping masks',
      { width: 1, height: 1, format: { kind: 'masked', bitsPerPixel: 16, masks: { ...MASKS_555, alpha: 0x8001 } }, pixels: new Uint8Array(2) },
    ],
    [
      'a bit depth the kind does not allow',
      { width: 1, height: 1, format: { kind: 'bgr', bitsPerPixel: 32 } as unknown as PixelFormat, pixels: new Uint8Array(4) },
    ],
  ];
  for (const [what, image] of invalid) {
    it(`refuses an image with ${what} with ERR_BMP_INVALID_IMAGE`, () => {
      expect(codeOf(() => encodeBmp(image))).toBe(BmpErrorCode.INVALID_IMAGE);
    });
  }
});

/** RGBA pixels of `width` × `height` cycling through `colours` (RGBA quadruples). */
function rgbaOf(width: number, height: number, colours: readonly (readonly number[])[]): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set(colours[(p * 7) % colours.length]!, p * 4);
  return { width, height, data };
}

/** `n` distinct opaque colours. */
const distinct = (n: number): number[][] => Array.from({ length: n }, (_, i) => [i % 256, i >> 8, 3, 255]);

describe('encodeBmp from RGBA', () => {
  const bitsOf = (file: Uint8Array): number => new DataView(file.buffer).getUint16(28, true);
  const headerSizeOf = (file: Uint8Array): number => new DataView(file.buffer).getUint32(14, true);

  for (const [colours, bits] of [
    [2, 1],
    [3, 4],
    [16, 4],
    [17, 8],
    [256, 8],
    [257, 24],
  ] as const) {
    it(`'auto' writes ${colours} opaque colours at ${bits} bits, exactly`, () => {
      const image = rgbaOf(31, 23, distinct(colours));
      const file = encodeBmp(image);
      expect(bitsOf(file)).toBe(bits);
      expect(decodeBmp(file).data).toEqual(image.data);
    });
  }

  it("'auto' writes any alpha as 32-bit ARGB with a V5 header and an alpha mask", () => {
    const image = rgbaOf(5, 3, [
      [1, 2, 3, 255],
      [4, 5, 6, 0],
      [7, 8, 9, 128],
    ]);
    const file = encodeBmp(image);
    expect([bitsOf(file), headerSizeOf(file), new DataView(file.buffer).getUint32(14 + 52, true)]).toEqual([32, 124, 0xff000000]);
    expect(decodeBmp(file).data).toEqual(image.data);
  });

  it('gives back any RGBA image exactly in every format that can hold it', () => {
    const formats: BmpEncodeFormat[] = ['auto', 1, 4, 8, 24, 32];
    const rgbaImage = fc
      .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 300 }), fc.boolean())
      .chain(([width, height, colours, opaque]) =>
        fc
          .array(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), opaque ? fc.constant(255) : fc.nat(255)), { minLength: colours, maxLength: colours })
          .map((list) => rgbaOf(width, height, list)),
      );
    fc.assert(
      fc.property(rgbaImage, fc.constantFrom(...formats), (image, format) => {
        let file: Uint8Array;
        try {
          file = encodeBmp(image, { format });
        } catch (error) {
          // Refused only when the format cannot hold the image: too many colours, or alpha.
          expect(error).toBeInstanceOf(BmpError);
          expect((error as BmpError).code).toBe(BmpErrorCode.INVALID_IMAGE);
          expect(format === 'auto' || format === 32).toBe(false);
          return;
        }
        expect(decodeBmp(file).data).toEqual(new Uint8ClampedArray(image.data));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a format that would lose colours or alpha', () => {
    expect(codeOf(() => encodeBmp(rgbaOf(4, 4, distinct(3)), { format: 1 }))).toBe(BmpErrorCode.INVALID_IMAGE);
    expect(codeOf(() => encodeBmp(rgbaOf(2, 1, [[0, 0, 0, 7]]), { format: 24 }))).toBe(BmpErrorCode.INVALID_IMAGE);
    expect(codeOf(() => encodeBmp(rgbaOf(2, 1, distinct(1)), { format: 'native' }))).toBe(BmpErrorCode.INVALID_IMAGE);
    expect(codeOf(() => encodeBmp({ width: 2, height: 2, data: new Uint8ClampedArray(15) }))).toBe(BmpErrorCode.INVALID_IMAGE);
  });

  it('writes a native palette image with a transparent entry (RLE unset pixels) as 32-bit', () => {
    const image: NativeImage = {
      width: 2,
      height: 1,
      format: { kind: 'indexed', bitsPerPixel: 1, palette: Uint8Array.from([9, 8, 7, 255, 0, 0, 0, 0]) },
      pixels: Uint8Array.from([0b01000000]),
    };
    const file = encodeBmp(image);
    expect(bitsOf(file)).toBe(32);
    expect([...decodeBmp(file).data]).toEqual([9, 8, 7, 255, 0, 0, 0, 0]);
  });

  it("'auto' from a native image picks the smallest exact file too", () => {
    const native = fromRgba(3, 1, Uint8Array.from([1, 1, 1, 255, 2, 2, 2, 255, 1, 1, 1, 255]));
    expect(native.format.bitsPerPixel).toBe(24);
    expect(bitsOf(encodeBmp(native, { format: 'auto' }))).toBe(1);
    expect(bitsOf(encodeBmp(native))).toBe(24);
  });
});
