import { describe, expect, it } from 'vitest';
import { BmpError, BmpErrorCode, decode } from '../../../shared/bmp/index.ts';
import { MASKS_555, MASKS_XRGB32, type NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { art, buildBmp, packRows, storeRows, type BmpFields } from './bmp-builder.ts';

const BLACK_WHITE = [
  [0, 0, 0],
  [255, 255, 255],
] as const;
const BLACK_WHITE_RGBA = [0, 0, 0, 255, 255, 255, 255, 255];

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof BmpError ? error.code : `not a BmpError: ${String(error)}`;
  }
  return 'decoded';
}

/** A smiley, 5×3, palette indices 0 and 1. */
const smiley = art(
  '1.1.1', // 1.1.1
  '.....', // .....
  '.111.', // .111.
);

describe('decode: uncompressed rows', () => {
  for (const bitsPerPixel of [1, 2, 4, 8] as const) {
    it(`turns ${bitsPerPixel}-bit bottom-up padded rows into top-down packed rows`, () => {
      const image = decode(
        buildBmp({ width: 5, height: 3, bitsPerPixel, palette: BLACK_WHITE, data: storeRows(smiley, bitsPerPixel) }),
      );
      expect(image).toEqual<NativeImage>({
        width: 5,
        height: 3,
        format: { kind: 'indexed', bitsPerPixel, palette: Uint8Array.from(BLACK_WHITE_RGBA) },
        pixels: Uint8Array.from(packRows(smiley, bitsPerPixel)),
      });
    });
  }

  it('reads top-down rows when the height is negative', () => {
    const topDownRows = storeRows([...smiley].reverse(), 1);
    const image = decode(buildBmp({ width: 5, height: -3, bitsPerPixel: 1, palette: BLACK_WHITE, data: topDownRows }));
    expect([...image.pixels]).toEqual(packRows(smiley, 1));
    expect(image.height).toBe(3);
  });

  it('clears the unused bits after the last pixel of each row', () => {
    const stored = storeRows(smiley, 1);
    // 5 pixels use the top 5 bits of byte 0 of each 4-byte row; set the other 3.
    for (let row = 0; row < 3; row++) stored[row * 4]! |= 0b111;
    const image = decode(buildBmp({ width: 5, height: 3, bitsPerPixel: 1, palette: BLACK_WHITE, data: stored }));
    expect([...image.pixels]).toEqual(packRows(smiley, 1));
  });

  it('reads only its own bytes of a view into a larger buffer', () => {
    const file = buildBmp({ width: 5, height: 3, bitsPerPixel: 8, palette: BLACK_WHITE, data: storeRows(smiley, 8) });
    const backing = new Uint8Array(file.length + 20).fill(0xee);
    backing.set(file, 7);
    const view = backing.subarray(7, 7 + file.length);
    expect(decode(view)).toEqual(decode(file));
  });

  it('tolerates a missing pad after the last row, but not missing pixels', () => {
    const file = buildBmp({ width: 5, height: 3, bitsPerPixel: 8, palette: BLACK_WHITE, data: storeRows(smiley, 8) });
    // Rows are 5 bytes padded to 8: dropping the last 3 bytes loses padding only.
    expect([...decode(file.subarray(0, file.length - 3)).pixels]).toEqual(packRows(smiley, 8));
    expect(codeOf(() => decode(file.subarray(0, file.length - 4)))).toBe(BmpErrorCode.TRUNCATED);
  });

  it('starts the pixels at bfOffBits, skipping any gap after the palette', () => {
    const base = { width: 5, height: 3, bitsPerPixel: 8, palette: BLACK_WHITE, data: storeRows(smiley, 8) };
    const withGap = buildBmp({ ...base, pixelOffset: 14 + 40 + 8 + 2 });
    expect([...decode(withGap).pixels]).toEqual(packRows(smiley, 8));
  });

  it('reads an OS/2 1.x file: 12-byte header, 3-byte palette entries', () => {
    const image = decode(
      buildBmp({ headerSize: 12, width: 5, height: 3, bitsPerPixel: 4, palette: BLACK_WHITE, data: storeRows(smiley, 4) }),
    );
    expect(image.format).toEqual({ kind: 'indexed', bitsPerPixel: 4, palette: Uint8Array.from(BLACK_WHITE_RGBA) });
    expect([...image.pixels]).toEqual(packRows(smiley, 4));
  });

  it('takes 2^bits palette entries when biClrUsed is 0, and never more than fit before the pixels', () => {
    const palette = [
      [1, 2, 3],
      [4, 5, 6],
    ] as const;
    const pixels = storeRows(smiley, 8);
    const declared = decode(buildBmp({ width: 5, height: 3, bitsPerPixel: 8, palette, colorsUsed: 0, data: pixels }));
    expect(declared.format).toEqual({
      kind: 'indexed',
      bitsPerPixel: 8,
      palette: Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 255]),
    });
    const oversized = decode(buildBmp({ width: 5, height: 3, bitsPerPixel: 1, palette, colorsUsed: 300, data: storeRows(smiley, 1) }));
    expect(oversized.format.kind === 'indexed' && oversized.format.palette.length).toBe(8);
  });
});

describe('decode: masked and BGR pixels', () => {
  const twoPixels16 = [0x1f, 0x7c, 0xe0, 0x03]; // the words 0x7c1f (magenta) and 0x03e0 (green)
  const twoPixels32 = [1, 2, 3, 4, 5, 6, 7, 8];

  it('reads 16-bit BI_RGB as 5-5-5 words, kept as stored', () => {
    const image = decode(buildBmp({ width: 2, height: 1, bitsPerPixel: 16, data: twoPixels16 }));
    expect(image.format).toEqual({ kind: 'masked', bitsPerPixel: 16, masks: MASKS_555 });
    expect([...image.pixels]).toEqual(twoPixels16);
  });

  it('reads 32-bit BI_RGB as B, G, R, unused', () => {
    const image = decode(buildBmp({ width: 2, height: 1, bitsPerPixel: 32, data: twoPixels32 }));
    expect(image.format).toEqual({ kind: 'masked', bitsPerPixel: 32, masks: MASKS_XRGB32 });
    expect([...image.pixels]).toEqual(twoPixels32);
  });

  it('reads 24-bit rows as BGR triples', () => {
    const image = decode(buildBmp({ width: 1, height: 2, bitsPerPixel: 24, data: [1, 2, 3, 0, 4, 5, 6, 0] }));
    expect(image.format).toEqual({ kind: 'bgr', bitsPerPixel: 24 });
    expect([...image.pixels]).toEqual([4, 5, 6, 1, 2, 3]);
  });

  const rgb565 = [0xf800, 0x07e0, 0x001f];
  const argb4444 = [0x0f00, 0x00f0, 0x000f, 0xf000];
  const cases: { what: string; fields: Omit<BmpFields, 'width' | 'height' | 'data'>; masks: number[] }[] = [
    { what: 'BI_BITFIELDS after a 40-byte header', fields: { bitsPerPixel: 16, compression: 3, masks: rgb565 }, masks: [...rgb565, 0] },
    { what: 'BI_ALPHABITFIELDS after a 40-byte header', fields: { bitsPerPixel: 16, compression: 6, masks: argb4444 }, masks: argb4444 },
    { what: 'a 52-byte header (RGB masks inside)', fields: { headerSize: 52, bitsPerPixel: 16, compression: 3, masks: rgb565 }, masks: [...rgb565, 0] },
    { what: 'a 56-byte header (RGBA masks inside)', fields: { headerSize: 56, bitsPerPixel: 16, compression: 3, masks: argb4444 }, masks: argb4444 },
    { what: 'a V5 header', fields: { headerSize: 124, bitsPerPixel: 32, compression: 3, masks: [0xff, 0xff00, 0xff0000, 0xff000000] }, masks: [0xff, 0xff00, 0xff0000, 0xff000000] },
  ];
  for (const { what, fields, masks } of cases) {
    it(`reads channel masks from ${what}`, () => {
      const image = decode(buildBmp({ ...fields, width: 1, height: 1, data: [0, 0, 0, 0] }));
      const [red, green, blue, alpha] = masks;
      expect(image.format).toEqual({ kind: 'masked', bitsPerPixel: fields.bitsPerPixel, masks: { red, green, blue, alpha } });
    });
  }
});

describe('decode: RLE', () => {
  it('expands RLE8: encoded runs, absolute runs with padding, end of line, delta, end of bitmap', () => {
    // prettier-ignore
    const stream = [
      3, 1, 0, 3, 2, 3, 4, 0, // bottom row: three 1s, then absolute 2 3 4 and a pad byte
      0, 0,                   // end of line
      2, 5, 0, 0,             // row 1: two 5s, end of line leaves the rest at 0
      0, 2, 2, 1,             // delta: right 2, up 1 — row 2 is skipped
      4, 7,                   // row 3: four 7s from x = 2
      0, 1,                   // end of bitmap
    ];
    const image = decode(buildBmp({ width: 6, height: 4, bitsPerPixel: 8, compression: 1, palette: BLACK_WHITE, data: stream }));
    expect([...image.pixels]).toEqual(
      packRows(
        art(
          '..7777', // ..7777
          '......', // ......
          '55....', // 55....
          '111234', // 111234
        ),
        8,
      ),
    );
  });

  it('expands RLE4: alternating nibbles in runs, packed nibbles in absolute runs', () => {
    // prettier-ignore
    const stream = [
      3, 0x12,           // 1 2 1
      0, 3, 0x34, 0x50,  // absolute 3 4 5 (two bytes: already 16-bit aligned)
      0, 0,              // end of line
      0, 2, 1, 0,        // delta: right 1
      4, 0xab,           // a b a b
      0, 1,              // end of bitmap
    ];
    const image = decode(buildBmp({ width: 6, height: 2, bitsPerPixel: 4, compression: 2, palette: BLACK_WHITE, data: stream }));
    expect([...image.pixels]).toEqual(
      packRows(
        art(
          '.abab.', // .abab.
          '121345', // 121345
        ),
        4,
      ),
    );
  });

  const rle8 = (stream: number[], width = 4, height = 2) =>
    buildBmp({ width, height, bitsPerPixel: 8, compression: 1, palette: BLACK_WHITE, data: stream });
  const failures: [string, number[], BmpErrorCode][] = [
    ['a run past the right edge', [5, 1, 0, 1], BmpErrorCode.BAD_RLE],
    ['an absolute run past the right edge', [2, 1, 0, 3, 1, 1, 1, 0, 0, 1], BmpErrorCode.BAD_RLE],
    ['a delta past the right edge', [0, 2, 5, 0, 0, 1], BmpErrorCode.BAD_RLE],
    ['a delta above the top', [0, 2, 0, 3, 0, 1], BmpErrorCode.BAD_RLE],
    ['pixels above the top row', [0, 0, 0, 0, 1, 1, 0, 1], BmpErrorCode.BAD_RLE],
    ['no end-of-bitmap marker', [4, 1, 0, 0], BmpErrorCode.TRUNCATED],
    ['an absolute run cut short', [0, 4, 1, 1], BmpErrorCode.TRUNCATED],
    ['a delta cut short', [0, 2, 1], BmpErrorCode.TRUNCATED],
  ];
  for (const [what, stream, code] of failures) {
    it(`refuses ${what} with ${code}`, () => {
      expect(codeOf(() => decode(rle8(stream)))).toBe(code);
    });
  }
});

describe('decode: refusals', () => {
  const valid: BmpFields = { width: 4, height: 2, bitsPerPixel: 8, palette: BLACK_WHITE, data: new Array(8).fill(1) };

  it('refuses anything that does not start with "BM" with ERR_BMP_NOT_BMP', () => {
    for (const bytes of [[], [0x42], [0x42, 0x41, 0, 0, 0, 0], [0x89, 0x50, 0x4e, 0x47]]) {
      expect(codeOf(() => decode(Uint8Array.from(bytes)))).toBe(BmpErrorCode.NOT_BMP);
    }
  });

  it('refuses every cut-short copy of a file with ERR_BMP_TRUNCATED', () => {
    // Width 4 at 8 bits has no row padding, so every byte of this file is needed.
    const file = buildBmp(valid);
    expect(decode(file).pixels).toHaveLength(8);
    for (let length = 2; length < file.length; length++) {
      expect(codeOf(() => decode(file.subarray(0, length))), `length ${length}`).toBe(BmpErrorCode.TRUNCATED);
    }
  });

  const refusals: [string, Partial<BmpFields>, BmpErrorCode][] = [
    ['zero width', { width: 0 }, BmpErrorCode.BAD_DIMENSIONS],
    ['negative width', { width: -4 }, BmpErrorCode.BAD_DIMENSIONS],
    ['zero height', { height: 0 }, BmpErrorCode.BAD_DIMENSIONS],
    ['height -2^31', { height: -(2 ** 31) }, BmpErrorCode.BAD_DIMENSIONS],
    ['two planes', { planes: 2 }, BmpErrorCode.BAD_HEADER],
    ['3 bits per pixel', { bitsPerPixel: 3 }, BmpErrorCode.BAD_HEADER],
    ['a header size that ends inside a field', { headerSize: 41 }, BmpErrorCode.BAD_HEADER],
    ['a header size larger than any known', { headerSize: 128 }, BmpErrorCode.BAD_HEADER],
    ['RLE8 at 4 bits', { bitsPerPixel: 4, compression: 1 }, BmpErrorCode.BAD_HEADER],
    ['RLE4 at 8 bits', { compression: 2 }, BmpErrorCode.BAD_HEADER],
    ['top-down RLE', { height: -2, compression: 1 }, BmpErrorCode.BAD_HEADER],
    ['bit fields at 24 bits', { bitsPerPixel: 24, compression: 3, palette: [], masks: [0xff, 0xff00, 0xff0000] }, BmpErrorCode.BAD_HEADER],
    ['an indexed image without room for a palette', { palette: [] }, BmpErrorCode.BAD_HEADER],
    ['an embedded JPEG', { bitsPerPixel: 0, compression: 4 }, BmpErrorCode.UNSUPPORTED],
    ['an embedded PNG', { bitsPerPixel: 0, compression: 5 }, BmpErrorCode.UNSUPPORTED],
    ['64 bits per pixel', { bitsPerPixel: 64, palette: [] }, BmpErrorCode.UNSUPPORTED],
    ['an unknown compression', { compression: 11 }, BmpErrorCode.UNSUPPORTED],
    ['OS/2 2.x Huffman 1D (compression 3 in a 64-byte header)', { headerSize: 64, bitsPerPixel: 1, compression: 3 }, BmpErrorCode.UNSUPPORTED],
    ['OS/2 2.x with a Windows-only compression', { headerSize: 64, bitsPerPixel: 32, compression: 6, palette: [] }, BmpErrorCode.UNSUPPORTED],
    ['overlapping masks', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0xf800, 0x0fe0, 0x1f] }, BmpErrorCode.BAD_MASKS],
    ['a mask with a gap', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0xf800, 0x05e0, 0x1f] }, BmpErrorCode.BAD_MASKS],
    ['a mask wider than the pixel', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0xf0000, 0xff00, 0xff] }, BmpErrorCode.BAD_MASKS],
    ['no colour masks', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0, 0, 0] }, BmpErrorCode.BAD_MASKS],
  ];
  for (const [what, change, code] of refusals) {
    it(`refuses ${what} with ${code}`, () => {
      expect(codeOf(() => decode(buildBmp({ ...valid, ...change })))).toBe(code);
    });
  }

  it('refuses a pixel data offset inside the headers or past the end of the file', () => {
    const file = buildBmp(valid);
    const view = new DataView(file.buffer);
    view.setUint32(10, 30, true);
    expect(codeOf(() => decode(file))).toBe(BmpErrorCode.BAD_HEADER);
    view.setUint32(10, file.length + 1, true);
    expect(codeOf(() => decode(file))).toBe(BmpErrorCode.TRUNCATED);
  });

  it('refuses images over the pixel limit before allocating them', () => {
    const file = buildBmp(valid);
    expect(codeOf(() => decode(file, { maxPixels: 7 }))).toBe(BmpErrorCode.TOO_LARGE);
    expect(decode(file, { maxPixels: 8 }).pixels).toHaveLength(8);
    // 100000 × 100000 of RLE would need 10 GB; the stream itself is four bytes.
    const bomb = buildBmp({ ...valid, width: 100_000, height: 100_000, compression: 1, data: [0, 0, 0, 1] });
    expect(codeOf(() => decode(bomb))).toBe(BmpErrorCode.TOO_LARGE);
  });

  it('gives every error a message saying what was wrong', () => {
    try {
      decode(buildBmp({ ...valid, planes: 3 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BmpError);
      expect((error as BmpError).message).toBe('planes is 3, must be 1');
      expect((error as BmpError).name).toBe('BmpError');
    }
  });
});
