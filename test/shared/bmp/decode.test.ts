import { describe, expect, it } from 'vitest';
import { BmpError, BmpErrorCode, decodeBmp, readBmp, type BmpReadOptions } from '../../../shared/bmp/index.ts';
import { MASKS_555, MASKS_ARGB32, MASKS_XRGB32, type NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { art, buildBmp, packRows, storeRows, type BmpFields } from './bmp-builder.ts';

const BLACK_WHITE = [
  [0, 0, 0],
  [255, 255, 255],
] as const;
const BLACK_WHITE_RGBA = [0, 0, 0, 255, 255, 255, 255, 255];

/** The pixels in their native format, as the transfer engine sends them. */
function readImage(bytes: Uint8Array, options?: BmpReadOptions): NativeImage {
  return readBmp(bytes, options).image;
}

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
      const image = readImage(
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
    const image = readImage(buildBmp({ width: 5, height: -3, bitsPerPixel: 1, palette: BLACK_WHITE, data: topDownRows }));
    expect([...image.pixels]).toEqual(packRows(smiley, 1));
    expect(image.height).toBe(3);
  });

  it('clears the unused bits after the last pixel of each row', () => {
    const stored = storeRows(smiley, 1);
    // 5 pixels use the top 5 bits of byte 0 of each 4-byte row; set the other 3.
    for (let row = 0; row < 3; row++) stored[row * 4]! |= 0b111;
    const image = readImage(buildBmp({ width: 5, height: 3, bitsPerPixel: 1, palette: BLACK_WHITE, data: stored }));
    expect([...image.pixels]).toEqual(packRows(smiley, 1));
  });

  it('reads only its own bytes of a view into a larger buffer', () => {
    const file = buildBmp({ width: 5, height: 3, bitsPerPixel: 8, palette: BLACK_WHITE, data: storeRows(smiley, 8) });
    const backing = new Uint8Array(file.length + 20).fill(0xee);
    backing.set(file, 7);
    const view = backing.subarray(7, 7 + file.length);
    expect(readImage(view)).toEqual(readImage(file));
  });

  it('tolerates a missing pad after the last row, but not missing pixels', () => {
    const file = buildBmp({ width: 5, height: 3, bitsPerPixel: 8, palette: BLACK_WHITE, data: storeRows(smiley, 8) });
    // Rows are 5 bytes padded to 8: dropping the last 3 bytes loses padding only.
    expect([...readImage(file.subarray(0, file.length - 3)).pixels]).toEqual(packRows(smiley, 8));
    expect(codeOf(() => readImage(file.subarray(0, file.length - 4)))).toBe(BmpErrorCode.TRUNCATED);
  });

  it('starts the pixels at bfOffBits, skipping any gap after the palette', () => {
    const base = { width: 5, height: 3, bitsPerPixel: 8, palette: BLACK_WHITE, data: storeRows(smiley, 8) };
    const withGap = buildBmp({ ...base, pixelOffset: 14 + 40 + 8 + 2 });
    expect([...readImage(withGap).pixels]).toEqual(packRows(smiley, 8));
  });

  it('reads an OS/2 1.x file: 12-byte header, 3-byte palette entries', () => {
    const image = readImage(
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
    const declared = readImage(buildBmp({ width: 5, height: 3, bitsPerPixel: 8, palette, colorsUsed: 0, data: pixels }));
    expect(declared.format).toEqual({
      kind: 'indexed',
      bitsPerPixel: 8,
      palette: Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 255]),
    });
    const oversized = readImage(buildBmp({ width: 5, height: 3, bitsPerPixel: 1, palette, colorsUsed: 300, data: storeRows(smiley, 1) }));
    expect(oversized.format.kind === 'indexed' && oversized.format.palette.length).toBe(8);
  });
});

describe('decode: masked and BGR pixels', () => {
  const twoPixels16 = [0x1f, 0x7c, 0xe0, 0x03]; // the words 0x7c1f (magenta) and 0x03e0 (green)
  const twoPixels32 = [1, 2, 3, 4, 5, 6, 7, 8];

  it('reads 16-bit BI_RGB as 5-5-5 words, kept as stored', () => {
    const image = readImage(buildBmp({ width: 2, height: 1, bitsPerPixel: 16, data: twoPixels16 }));
    expect(image.format).toEqual({ kind: 'masked', bitsPerPixel: 16, masks: MASKS_555 });
    expect([...image.pixels]).toEqual(twoPixels16);
  });

  it('reads 32-bit BI_RGB as B, G, R, unused', () => {
    const image = readImage(buildBmp({ width: 2, height: 1, bitsPerPixel: 32, data: twoPixels32 }));
    expect(image.format).toEqual({ kind: 'masked', bitsPerPixel: 32, masks: MASKS_XRGB32 });
    expect([...image.pixels]).toEqual(twoPixels32);
  });

  it('reads 24-bit rows as BGR triples', () => {
    const image = readImage(buildBmp({ width: 1, height: 2, bitsPerPixel: 24, data: [1, 2, 3, 0, 4, 5, 6, 0] }));
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
      const image = readImage(buildBmp({ ...fields, width: 1, height: 1, data: [0, 0, 0, 0] }));
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
      2, 5, 0, 0,             // row 1: two 5s, end of line leaves the rest unset
      0, 2, 2, 1,             // delta: right 2, up 1 — row 2 is skipped
      4, 7,                   // row 3: four 7s from x = 2
      0, 1,                   // end of bitmap
    ];
    const { image, partial } = readBmp(
      buildBmp({ width: 6, height: 4, bitsPerPixel: 8, compression: 1, palette: BLACK_WHITE, data: stream }),
    );
    expect(partial).toBe(false);
    // Unset pixels take index 6, the first index past the palette that no pixel uses (t here).
    expect([...image.pixels]).toEqual(
      packRows(
        art(
          '667777', // tt7777
          '666666', // tttttt
          '556666', // 55tttt
          '111234', // 111234
        ),
        8,
      ),
    );
    // Entries 2 to 5 stay what indices past the end show (opaque black); entry 6 is transparent.
    const black = [0, 0, 0, 255];
    expect(image.format).toEqual({
      kind: 'indexed',
      bitsPerPixel: 8,
      palette: Uint8Array.from([...BLACK_WHITE_RGBA, ...black, ...black, ...black, ...black, 0, 0, 0, 0]),
    });
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
    const image = readImage(buildBmp({ width: 6, height: 2, bitsPerPixel: 4, compression: 2, palette: BLACK_WHITE, data: stream }));
    // Unset pixels take index 6, the first index past the palette that no pixel uses.
    expect([...image.pixels]).toEqual(
      packRows(
        art(
          '6abab6', // tababt
          '121345', // 121345
        ),
        4,
      ),
    );
    expect(image.format.kind === 'indexed' && [...image.format.palette.subarray(6 * 4)]).toEqual([0, 0, 0, 0]);
  });

  it('keeps the palette as it is when the stream sets every pixel', () => {
    const image = readImage(buildBmp({ width: 2, height: 1, bitsPerPixel: 8, compression: 1, palette: BLACK_WHITE, data: [2, 1, 0, 1] }));
    expect(image.format).toEqual({ kind: 'indexed', bitsPerPixel: 8, palette: Uint8Array.from(BLACK_WHITE_RGBA) });
  });

  it('widens RLE4 that uses all 16 indices to 8 bits, entry 16 transparent', () => {
    const palette = Array.from({ length: 16 }, (_, i) => [i, i, i] as const);
    // Absolute run of 0..15 on the bottom row, then end of bitmap leaves the top row unset.
    const stream = [0, 16, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0, 1];
    const image = readImage(buildBmp({ width: 16, height: 2, bitsPerPixel: 4, compression: 2, palette, data: stream }));
    expect(image.format.bitsPerPixel).toBe(8);
    expect([...image.pixels]).toEqual([...new Array<number>(16).fill(16), ...Array.from({ length: 16 }, (_, i) => i)]);
    expect(image.format.kind === 'indexed' && [...image.format.palette.subarray(64)]).toEqual([0, 0, 0, 0]);
  });

  it('turns RLE8 that uses all 256 indices into 32-bit ARGB, unset pixels 0, 0, 0, 0', () => {
    const palette = Array.from({ length: 256 }, (_, i) => [i, 255 - i, 7] as const);
    // Bottom row: indices 0..255 as one absolute run; the top row is left unset.
    const stream = [0, 255, ...Array.from({ length: 255 }, (_, i) => i), 0, 1, 255, 0, 1];
    const { image } = readBmp(buildBmp({ width: 256, height: 2, bitsPerPixel: 8, compression: 1, palette, data: stream }));
    expect(image.format).toEqual({ kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 });
    expect([...image.pixels.subarray(0, 256 * 4)]).toEqual(new Array<number>(256 * 4).fill(0));
    // Bytes B, G, R, A of index 200.
    expect([...image.pixels.subarray((256 + 200) * 4, (256 + 201) * 4)]).toEqual([7, 55, 200, 255]);
  });

  it('gives the rows a cut stream reached, the rest transparent, flagged partial', () => {
    // A 4×2 image whose stream stops after the bottom row: no end-of-bitmap marker.
    const { image, partial } = readBmp(
      buildBmp({ width: 4, height: 2, bitsPerPixel: 8, compression: 1, palette: BLACK_WHITE, data: [4, 1, 0, 0] }),
    );
    expect(partial).toBe(true);
    expect([...image.pixels]).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    const decoded = decodeBmp(buildBmp({ width: 4, height: 2, bitsPerPixel: 8, compression: 1, palette: BLACK_WHITE, data: [4, 1, 0, 0] }));
    expect(decoded.partial).toBe(true);
    expect([...decoded.data.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
  });

  it('expands OS/2 RLE24: runs and absolute runs of B, G, R triples', () => {
    // prettier-ignore
    const stream = [
      2, 1, 2, 3,                // two pixels B 1, G 2, R 3
      0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, // absolute run of three pixels, 9 bytes + pad
      0, 1,
    ];
    const image = readImage(buildBmp({ headerSize: 64, width: 5, height: 1, bitsPerPixel: 24, compression: 4, data: stream }));
    expect(image.format).toEqual({ kind: 'bgr', bitsPerPixel: 24 });
    expect([...image.pixels]).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  const rle8 = (stream: number[], width = 4, height = 2) =>
    buildBmp({ width, height, bitsPerPixel: 8, compression: 1, palette: BLACK_WHITE, data: stream });
  const failures: [string, number[], BmpErrorCode][] = [
    ['a run past the right edge', [5, 1, 0, 1], BmpErrorCode.BAD_RLE],
    ['an absolute run past the right edge', [2, 1, 0, 3, 1, 1, 1, 0, 0, 1], BmpErrorCode.BAD_RLE],
    ['a delta past the right edge', [0, 2, 5, 0, 0, 1], BmpErrorCode.BAD_RLE],
    ['a delta above the top', [0, 2, 0, 3, 0, 1], BmpErrorCode.BAD_RLE],
    ['pixels above the top row', [0, 0, 0, 0, 1, 1, 0, 1], BmpErrorCode.BAD_RLE],
  ];
  for (const [what, stream, code] of failures) {
    it(`refuses ${what} with ${code}`, () => {
      expect(codeOf(() => readImage(rle8(stream)))).toBe(code);
    });
  }
  for (const [what, stream] of [
    ['an absolute run cut short', [0, 4, 1, 1]],
    ['a delta cut short', [0, 2, 1]],
    ['an empty stream', []],
  ] as const) {
    it(`gives a partial image for ${what}`, () => {
      expect(readBmp(rle8([...stream])).partial).toBe(true);
    });
  }
});

describe('decode: OS/2 Huffman 1D', () => {
  it('decodes white and black runs (T.4 codes), with and without EOL, bottom row first', () => {
    // Width 10. Bottom row: EOL, white 3 (1000), black 2 (11), white 5 (1100).
    // Top row (no EOL): white 0 (00110101), black 10 (0000100).
    const bits = '000000000001' + '1000' + '11' + '1100' + '00110101' + '0000100';
    const data = bitsToBytes(bits);
    const image = readImage(
      buildBmp({ headerSize: 64, width: 10, height: 2, bitsPerPixel: 1, compression: 3, palette: [[255, 255, 255], [0, 0, 0]], data }),
    );
    expect([...image.pixels]).toEqual(packRows(art('1111111111', '...11.....'), 1));
  });

  it('refuses a run past the right edge and a row with no valid code', () => {
    const file = (bits: string): Uint8Array =>
      buildBmp({ headerSize: 64, width: 2, height: 1, bitsPerPixel: 1, compression: 3, palette: BLACK_WHITE, data: bitsToBytes(bits) });
    expect(codeOf(() => readImage(file('1000')))).toBe(BmpErrorCode.BAD_HUFFMAN); // white 3 in a 2-pixel row
    expect(codeOf(() => readImage(file('0000000011111111')))).toBe(BmpErrorCode.BAD_HUFFMAN);
    expect(codeOf(() => readImage(file('0')))).toBe(BmpErrorCode.TRUNCATED); // eight 0 bits, then the data ends
    expect([...readImage(file('0111')).pixels]).toEqual([0]); // white 2 fills the row
  });
});

function bitsToBytes(bits: string): number[] {
  const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
  return Array.from({ length: padded.length / 8 }, (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2));
}

describe('decode: refusals', () => {
  const valid: BmpFields = { width: 4, height: 2, bitsPerPixel: 8, palette: BLACK_WHITE, data: new Array(8).fill(1) };

  it('refuses anything that does not start with "BM" with ERR_BMP_NOT_BMP', () => {
    for (const bytes of [[], [0x42], [0x42, 0x41, 0, 0, 0, 0], [0x89, 0x50, 0x4e, 0x47]]) {
      expect(codeOf(() => readImage(Uint8Array.from(bytes)))).toBe(BmpErrorCode.NOT_BMP);
    }
  });

  it('refuses every cut-short copy of a file with ERR_BMP_TRUNCATED', () => {
    // Width 4 at 8 bits has no row padding, so every byte of this file is needed.
    const file = buildBmp(valid);
    expect(readImage(file).pixels).toHaveLength(8);
    for (let length = 2; length < file.length; length++) {
      expect(codeOf(() => readImage(file.subarray(0, length))), `length ${length}`).toBe(BmpErrorCode.TRUNCATED);
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
    ['an unknown compression', { compression: 11 }, BmpErrorCode.UNSUPPORTED],
    ['OS/2 2.x Huffman 1D at 8 bits', { headerSize: 64, compression: 3 }, BmpErrorCode.BAD_HEADER],
    ['OS/2 2.x RLE24 at 8 bits', { headerSize: 64, compression: 4 }, BmpErrorCode.BAD_HEADER],
    ['OS/2 2.x with a Windows-only compression', { headerSize: 64, bitsPerPixel: 32, compression: 6, palette: [] }, BmpErrorCode.UNSUPPORTED],
    ['overlapping masks', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0xf800, 0x0fe0, 0x1f] }, BmpErrorCode.BAD_MASKS],
    ['a mask with a gap', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0xf800, 0x05e0, 0x1f] }, BmpErrorCode.BAD_MASKS],
    ['a mask wider than the pixel', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0xf0000, 0xff00, 0xff] }, BmpErrorCode.BAD_MASKS],
    ['no colour masks', { bitsPerPixel: 16, compression: 3, palette: [], masks: [0, 0, 0] }, BmpErrorCode.BAD_MASKS],
  ];
  for (const [what, change, code] of refusals) {
    it(`refuses ${what} with ${code}`, () => {
      expect(codeOf(() => readImage(buildBmp({ ...valid, ...change })))).toBe(code);
    });
  }

  it('refuses a pixel data offset inside the headers or past the end of the file', () => {
    const file = buildBmp(valid);
    const view = new DataView(file.buffer);
    view.setUint32(10, 30, true);
    expect(codeOf(() => readImage(file))).toBe(BmpErrorCode.BAD_HEADER);
    view.setUint32(10, file.length + 1, true);
    expect(codeOf(() => readImage(file))).toBe(BmpErrorCode.TRUNCATED);
  });

  it('refuses images over the pixel limit before allocating them', () => {
    const file = buildBmp(valid);
    expect(codeOf(() => readImage(file, { maxPixels: 7 }))).toBe(BmpErrorCode.TOO_LARGE);
    expect(readImage(file, { maxPixels: 8 }).pixels).toHaveLength(8);
    // 100000 × 100000 of RLE would need 10 GB; the stream itself is four bytes.
    const bomb = buildBmp({ ...valid, width: 100_000, height: 100_000, compression: 1, data: [0, 0, 0, 1] });
    expect(codeOf(() => readImage(bomb))).toBe(BmpErrorCode.TOO_LARGE);
  });

  it('gives every error a message saying what was wrong', () => {
    try {
      readImage(buildBmp({ ...valid, planes: 3 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BmpError);
      expect((error as BmpError).message).toBe('planes is 3, must be 1 (at byte 26)');
      expect((error as BmpError).offset).toBe(26);
      expect((error as BmpError).name).toBe('BmpError');
    }
  });
});

describe('decodeBmp: straight to RGBA', () => {
  it('reads 24-bit rows at every alignment of the data and of the view, bottom-up and top-down', () => {
    for (let width = 1; width <= 9; width++) {
      for (const height of [3, -3]) {
        const stride = Math.ceil((width * 3) / 4) * 4;
        const data = Array.from({ length: stride * 3 }, (_, i) => (i * 37 + width) & 0xff);
        for (let gap = 0; gap < 4; gap++) {
          const file = buildBmp({ width, height, bitsPerPixel: 24, pixelOffset: 54 + gap, data });
          for (let shift = 0; shift < 4; shift++) {
            const backing = new Uint8Array(file.length + shift);
            backing.set(file, shift);
            const view = backing.subarray(shift);
            const expected = readBmp(view).image;
            // BGR → RGBA by hand, independent of toRgba.
            const rgba = [...expected.pixels].flatMap((_, i, all) => (i % 3 === 0 ? [all[i + 2]!, all[i + 1]!, all[i]!, 255] : []));
            expect([...decodeBmp(view).data], `width ${width}, height ${height}, gap ${gap}, shift ${shift}`).toEqual(rgba);
          }
        }
      }
    }
  });

  it('reads 8-bit rows at every alignment of the data and of the view, bottom-up and top-down', () => {
    const palette = Array.from({ length: 256 }, (_, i) => [i, 255 - i, i ^ 0x55] as const);
    for (let width = 1; width <= 9; width++) {
      for (const height of [3, -3]) {
        const stride = Math.ceil(width / 4) * 4;
        const data = Array.from({ length: stride * 3 }, (_, i) => (i * 37 + width) & 0xff);
        for (let gap = 0; gap < 4; gap++) {
          const file = buildBmp({ width, height, bitsPerPixel: 8, palette, pixelOffset: 54 + 1024 + gap, data });
          for (let shift = 0; shift < 4; shift++) {
            const backing = new Uint8Array(file.length + shift);
            backing.set(file, shift);
            const view = backing.subarray(shift);
            const rgba = [...readBmp(view).image.pixels].flatMap((index) => [...palette[index]!, 255]);
            expect([...decodeBmp(view).data], `width ${width}, height ${height}, gap ${gap}, shift ${shift}`).toEqual(rgba);
          }
        }
      }
    }
  });

  it('reads 8-bit and byte-aligned 32-bit rows through the same palette and masks as readBmp', () => {
    const file8 = buildBmp({ width: 3, height: 2, bitsPerPixel: 8, palette: [[1, 2, 3], [4, 5, 6]], data: [0, 1, 2, 0, 1, 0, 1, 0] });
    // Index 2 is past the palette: opaque black.
    expect([...decodeBmp(file8).data]).toEqual([4, 5, 6, 255, 1, 2, 3, 255, 4, 5, 6, 255, 1, 2, 3, 255, 4, 5, 6, 255, 0, 0, 0, 255]);
    // ABGR words (alpha in the low byte) through a V5 header.
    const masks = [0xff000000, 0x00ff0000, 0x0000ff00, 0x000000ff];
    const file32 = buildBmp({ headerSize: 124, width: 1, height: 1, bitsPerPixel: 32, compression: 3, masks, data: [9, 3, 2, 1] });
    expect([...decodeBmp(file32).data]).toEqual([1, 2, 3, 9]);
    const xrgb = buildBmp({ width: 1, height: 1, bitsPerPixel: 32, data: [3, 2, 1, 0] });
    expect([...decodeBmp(xrgb).data]).toEqual([1, 2, 3, 255]);
  });
});

describe('decodeBmp into a caller buffer', () => {
  const files = {
    '24-bit (direct path)': buildBmp({ width: 3, height: 2, bitsPerPixel: 24, data: Array.from({ length: 24 }, (_, i) => i * 9) }),
    '1-bit (through readBmp)': buildBmp({ width: 5, height: 3, bitsPerPixel: 1, palette: BLACK_WHITE, data: storeRows(smiley, 1) }),
  };
  for (const [what, file] of Object.entries(files)) {
    it(`writes ${what} into the buffer it is given, aligned or not`, () => {
      const expected = decodeBmp(file);
      for (const shift of [0, 1]) {
        const backing = new Uint8ClampedArray(expected.data.length + shift).fill(7);
        const into = backing.subarray(shift);
        const decoded = decodeBmp(file, { into });
        expect(decoded.data).toBe(into);
        expect([...into]).toEqual([...expected.data]);
      }
    });
  }

  it('refuses a buffer of the wrong size with ERR_BMP_BAD_OUTPUT, writing nothing', () => {
    const into = new Uint8ClampedArray(4).fill(7);
    expect(codeOf(() => decodeBmp(files['24-bit (direct path)'], { into }))).toBe(BmpErrorCode.BAD_OUTPUT);
    expect([...into]).toEqual([7, 7, 7, 7]);
  });
});
