/**
 * The whole of BMP Suite 2.8 (../shared/bmpsuite, see its README): every file either decodes to
 * one of the references listed for it in html/bmpsuite.html, or is refused with the error code
 * written here. A file the suite gains or this table forgets fails the completeness test.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BmpError, BmpErrorCode, decode } from '../../../shared/bmp/index.ts';
import { maskLayout } from '../../../shared/pixels/channel-mask.ts';
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';
import { countMismatches, readPngAsRgba } from './reference-image.ts';

const suite = fileURLToPath(new URL('../../../../shared/bmpsuite/', import.meta.url));

/** BMP name → reference image names, from the "Correct display" cell of each table row. */
function readReferences(): Map<string, string[]> {
  const html = readFileSync(`${suite}html/bmpsuite.html`, 'utf8');
  const references = new Map<string, string[]>();
  for (const row of html.split(/<tr>/i).slice(1)) {
    const name = /<td[^>]*>([gqbx]\/[\w-]+\.bmp)<\/td>/.exec(row)?.[1];
    if (!name) continue;
    // `src` is not always the first attribute; "../g/x.bmp" sources are the BMP itself.
    const images = [...row.matchAll(/<img[^>]*\ssrc="(?!\.\.\/)([^"]+)"/g)].map((m) => m[1]!);
    references.set(name, images);
  }
  return references;
}

/** Files refused on purpose, with the code they must be refused with. */
const refused: Record<string, BmpErrorCode> = {
  'q/pal1huffmsb.bmp': BmpErrorCode.UNSUPPORTED,
  'q/rgb24jpeg.bmp': BmpErrorCode.UNSUPPORTED,
  'q/rgb24png.bmp': BmpErrorCode.UNSUPPORTED,
  'q/rgb24rle24.bmp': BmpErrorCode.UNSUPPORTED,
  'q/rgba64.bmp': BmpErrorCode.UNSUPPORTED,
  'b/badbitcount.bmp': BmpErrorCode.BAD_HEADER,
  'b/badheadersize.bmp': BmpErrorCode.BAD_HEADER,
  'b/badplanes.bmp': BmpErrorCode.BAD_HEADER,
  'b/badrle.bmp': BmpErrorCode.BAD_RLE,
  'b/badrle4.bmp': BmpErrorCode.BAD_RLE,
  'b/badrle4bis.bmp': BmpErrorCode.BAD_RLE,
  'b/badrle4ter.bmp': BmpErrorCode.BAD_RLE,
  'b/badrlebis.bmp': BmpErrorCode.BAD_RLE,
  'b/badrleter.bmp': BmpErrorCode.BAD_RLE,
  'b/badwidth.bmp': BmpErrorCode.BAD_DIMENSIONS,
  'b/reallybig.bmp': BmpErrorCode.TOO_LARGE,
  'b/rletopdown.bmp': BmpErrorCode.BAD_HEADER,
  'b/shortfile.bmp': BmpErrorCode.TRUNCATED,
  'x/ba-bm.bmp': BmpErrorCode.NOT_BMP,
};

/**
 * Bad files that have no reference but decode safely, because the field they get wrong is one
 * the decoder ignores or clamps; each must look exactly like the good file it was made from.
 */
const decodedLikeReference: Record<string, string> = {
  'b/badbitssize.bmp': 'pal1.png', // biSizeImage is ignored
  'b/baddens1.bmp': 'pal1.png', // resolution is ignored
  'b/baddens2.bmp': 'pal1.png',
  'b/badfilesize.bmp': 'pal1.png', // bfSize is ignored
  'b/badpalettesize.bmp': 'pal8.png', // biClrUsed is clamped to the room before the pixels
};

/** References that are not an acceptable rendering for this decoder, and why. */
const rejectedAlternatives = new Set([
  // A viewer's rendering at a different size; the decoder returns the pixels as encoded (-e).
  'pal8nonsquare-v.png',
  // The JPEG reference of an embedded JPEG, which is refused.
  'rgb24.jpg',
]);

function decodeFile(name: string): NativeImage {
  return decode(readFileSync(`${suite}${name}`));
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof BmpError ? error.code : `not a BmpError: ${String(error)}`;
  }
  return 'decoded';
}

/** Channels wider than 8 bits were quantised from 8-bit data by the suite's generator. */
function widestChannel(image: NativeImage): number {
  if (image.format.kind !== 'masked') return 8;
  return Math.max(...Object.values(image.format.masks).map((mask) => maskLayout(mask).bits));
}

function mismatchesAgainst(image: NativeImage, reference: string): number {
  const expected = readPngAsRgba(`${suite}html/${reference}`);
  if (expected.width !== image.width || expected.height !== image.height) return Infinity;
  const tolerance = expected.wide || widestChannel(image) > 8 ? 1 : 0;
  return countMismatches(expected, toRgba(image), tolerance);
}

/** Files with a test of their own at the end of this file. */
const checkedOnTheirOwn = new Set(['b/pal8badindex.bmp', 'q/rgb24prof2.bmp']);

const references = readReferences();
const files = ['g', 'q', 'b', 'x'].flatMap((dir) => readdirSync(`${suite}${dir}`).map((file) => `${dir}/${file}`));

describe('BMP Suite 2.8', () => {
  it('has a reference or an expectation for every file', () => {
    expect(files).toHaveLength(91);
    const unaccounted = files.filter(
      (name) =>
        !(name in refused) &&
        !(name in decodedLikeReference) &&
        !checkedOnTheirOwn.has(name) &&
        !(references.get(name) ?? []).some((ref) => !rejectedAlternatives.has(ref)),
    );
    expect(unaccounted).toEqual([]);
  });

  for (const name of files.filter((file) => file in refused)) {
    it(`refuses ${name} with ${refused[name]}`, () => {
      expect(codeOf(() => decodeFile(name))).toBe(refused[name]);
    });
  }

  const matched = files.filter(
    (file) => !(file in refused) && !(file in decodedLikeReference) && !checkedOnTheirOwn.has(file),
  );
  for (const name of matched) {
    const acceptable = (references.get(name) ?? []).filter((ref) => !rejectedAlternatives.has(ref));
    it(`decodes ${name} to ${acceptable.join(' or ')}`, () => {
      const image = decodeFile(name);
      const best = Math.min(...acceptable.map((ref) => mismatchesAgainst(image, ref)));
      expect(best).toBe(0);
    });
  }

  for (const [name, reference] of Object.entries(decodedLikeReference)) {
    it(`decodes ${name} like ${reference}`, () => {
      expect(mismatchesAgainst(decodeFile(name), reference)).toBe(0);
    });
  }

  it('shows indices past the end of the palette as opaque black (b/pal8badindex.bmp)', () => {
    const image = decodeFile('b/pal8badindex.bmp');
    if (image.format.kind !== 'indexed') throw new Error(`expected an indexed image, got ${image.format.kind}`);
    const entries = image.format.palette.length / 4;
    expect(entries).toBe(101);
    const rgba = toRgba(image);
    const pastEnd = [...image.pixels.keys()].filter((i) => image.pixels[i]! >= entries);
    expect(pastEnd.length).toBeGreaterThan(0);
    for (const i of pastEnd) expect([...rgba.subarray(i * 4, i * 4 + 4)]).toEqual([0, 0, 0, 255]);
  });

  for (const name of ['q/pal4rlecut.bmp', 'q/pal4rletrns.bmp', 'q/pal8rlecut.bmp', 'q/pal8rletrns.bmp']) {
    it(`leaves the pixels RLE skips in ${name} at palette index 0 (the suite's "-0" rendering)`, () => {
      const reference = `${/\/(\w+)\.bmp$/.exec(name)![1]}-0.png`;
      expect(references.get(name)).toContain(reference);
      expect(mismatchesAgainst(decodeFile(name), reference)).toBe(0);
    });
  }

  it('leaves colours as stored, without applying an embedded ICC profile (q/rgb24prof2.bmp)', () => {
    // The file stores red and green swapped and embeds a profile that swaps them back.
    const image = decodeFile('q/rgb24prof2.bmp');
    expect(mismatchesAgainst(image, 'rgb24.png')).toBeGreaterThan(0);
    const rgba = toRgba(image);
    for (let o = 0; o < rgba.length; o += 4) [rgba[o], rgba[o + 1]] = [rgba[o + 1]!, rgba[o]!];
    expect(countMismatches(readPngAsRgba(`${suite}html/rgb24.png`), rgba, 0)).toBe(0);
  });
});
