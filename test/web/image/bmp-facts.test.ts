import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBmp } from '../../../shared/bmp/index.ts';
import { bmpFacts } from '../../../web/src/image/bmp-facts.ts';
import { BMP_SUITE_DIR } from '../../fixtures/paths.ts';

const SUITE = `${BMP_SUITE_DIR}g/`;

function factsOf(name: string) {
  const bytes = new Uint8Array(readFileSync(`${SUITE}${name}`));
  return bmpFacts(readBmp(bytes), bytes.byteLength);
}

describe('bmpFacts', () => {
  it('describes an 8-bit palette image with padded rows, bottom-up', () => {
    expect(factsOf('pal8.bmp')).toEqual({
      width: 127,
      height: 64,
      bitsPerPixel: 8,
      headerSize: 40,
      compression: 'none (BI_RGB)',
      paletteEntries: 252,
      stride: { unpadded: 127, padded: 128 },
      dataOffset: 1062,
      topDown: false,
      fileBytes: 9254,
      storedPixelBytes: 9254 - 1062,
      partial: false,
    });
  });

  it('says when rows are stored top-down', () => {
    expect(factsOf('pal8topdown.bmp').topDown).toBe(true);
  });

  it('names RLE and bit-field compression, and has no fixed stride for RLE', () => {
    expect(factsOf('pal8rle.bmp')).toMatchObject({ compression: 'RLE8', stride: null });
    expect(factsOf('rgb16-565.bmp')).toMatchObject({ compression: 'bit fields (BI_BITFIELDS)', bitsPerPixel: 16 });
  });
});
