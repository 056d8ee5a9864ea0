/**
 * The whole of BMP Suite 2.8 (test/fixtures/bmpsuite, see its README): every file either decodes to
 * one of the references listed for it in html/bmpsuite.html, or is refused with the error code
 * written here. A file the suite gains or this table forgets fails the completeness test.
 *
 * Comparison is exact: RGB only where the reference is opaque (the suite's README: "compare RGB
 * only"), RGBA where it has alpha, two fully transparent pixels being equal whatever their
 * colour. The two tolerances (channels wider than 8 bits) are explained at {@link tolerances}.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BmpError, BmpErrorCode, decodeBmp, readBmp } from '../../../shared/bmp/index.ts';
import { toRgba } from '../../../shared/pixels/to-rgba.ts';
import { BMP_SUITE_DIR } from '../../fixtures/paths.ts';
import { countMismatches, readPngAsRgba } from './reference-image.ts';

const suite = BMP_SUITE_DIR;

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

/** Files refused on purpose, with the code they must be refused with and why. */
const refused: Record<string, { code: BmpErrorCode; why: string }> = {
  'q/rgb24jpeg.bmp': { code: BmpErrorCode.UNSUPPORTED, why: 'embeds a JPEG; the issue asks for "unsupported"' },
  'q/rgb24png.bmp': { code: BmpErrorCode.UNSUPPORTED, why: 'embeds a PNG; the issue asks for "unsupported"' },
  'b/badbitcount.bmp': { code: BmpErrorCode.BAD_HEADER, why: '30000 bits per pixel' },
  'b/badheadersize.bmp': { code: BmpErrorCode.BAD_HEADER, why: 'a 66-byte info header' },
  'b/badplanes.bmp': { code: BmpErrorCode.BAD_HEADER, why: 'planes ≠ 1' },
  'b/badrle.bmp': { code: BmpErrorCode.BAD_RLE, why: 'a run past the right edge' },
  'b/badrle4.bmp': { code: BmpErrorCode.BAD_RLE, why: 'a run past the right edge' },
  'b/badrle4bis.bmp': { code: BmpErrorCode.BAD_RLE, why: 'a run past the right edge' },
  'b/badrle4ter.bmp': { code: BmpErrorCode.BAD_RLE, why: 'a delta outside the image' },
  'b/badrlebis.bmp': { code: BmpErrorCode.BAD_RLE, why: 'a run past the right edge' },
  'b/badrleter.bmp': { code: BmpErrorCode.BAD_RLE, why: 'a delta outside the image' },
  'b/badwidth.bmp': { code: BmpErrorCode.BAD_DIMENSIONS, why: 'negative width' },
  'b/reallybig.bmp': { code: BmpErrorCode.TOO_LARGE, why: '3000000×2000000, over the pixel limit' },
  'b/rletopdown.bmp': { code: BmpErrorCode.BAD_HEADER, why: 'RLE with a negative height' },
  'b/shortfile.bmp': { code: BmpErrorCode.TRUNCATED, why: 'rows missing' },
  'x/ba-bm.bmp': { code: BmpErrorCode.NOT_BMP, why: 'an OS/2 bitmap array ("BA"), not a BMP' },
};

/** Questionable files that decode but match none of their references, and why. */
const unmatched: Record<string, string> = {
  'q/rgb24prof2.bmp':
    'stores red and green swapped with an ICC profile that swaps them back; colours are returned as stored (no colour management)',
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

/**
 * References that are not an acceptable rendering for this decoder, and why. RLE files must
 * match the transparent rendering: the issue says pixels an RLE stream never sets are transparent.
 */
const rejectedAlternatives = new Set([
  // A viewer's rendering at a different size; the decoder returns the pixels as encoded (-e).
  'pal8nonsquare-v.png',
  ...['pal4rletrns', 'pal4rlecut', 'pal8rletrns', 'pal8rlecut'].flatMap((name) => [`${name}-0.png`, `${name}-b.png`]),
]);

/**
 * Per-file tolerance in 8-bit steps, only for the two files whose channels are wider than 8
 * bits. Their stored values were made by the suite's generator from a source finer than the
 * 8-bit reference (q/rgb32-111110 stores red 1690/2047 where an 8-bit 210 would give 1686), so
 * the reference rounds the source, not the stored value, and a source within half a stored step
 * of an 8-bit rounding boundary can land one level either side of it:
 * - q/rgb32-111110.bmp: 1690 × 255 / 2047 is 210.528, the reference says 210; 357 gives 44.472,
 *   the reference says 45 (half an 11-bit step is 0.06 levels).
 * - q/rgba64.bmp: s2.13 linear light; 178/8192 is sRGB 40.537 (IEC 61966-2-1), the reference
 *   says 40 (half a step there is 0.05 levels). Every other value rounds as the reference does.
 * Every other file is compared exactly.
 */
const tolerances: Record<string, number> = { 'q/rgb32-111110.bmp': 1, 'q/rgba64.bmp': 1 };

function readSuiteFile(name: string): Uint8Array {
  return readFileSync(`${suite}${name}`);
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof BmpError ? error.code : `not a BmpError: ${String(error)}`;
  }
  return 'decoded';
}

function mismatchesAgainst(name: string, reference: string): number {
  const image = decodeBmp(readSuiteFile(name));
  const expected = readPngAsRgba(`${suite}html/${reference}`);
  if (expected.width !== image.width || expected.height !== image.height) return Infinity;
  return countMismatches(expected, image.data, tolerances[name] ?? 0);
}

const references = readReferences();
const files = ['g', 'q', 'b', 'x'].flatMap((dir) => readdirSync(`${suite}${dir}`).map((file) => `${dir}/${file}`));
const acceptableFor = (name: string): string[] =>
  (references.get(name) ?? []).filter((reference) => !rejectedAlternatives.has(reference));

/** Outcome per file, for the summary printed at the end. */
const outcomes = new Map<string, 'matched' | 'refused' | 'unmatched' | 'handled'>();

describe('BMP Suite 2.8', () => {
  it('has a reference or an expectation for every file', () => {
    expect(files).toHaveLength(91);
    const unaccounted = files.filter(
      (name) =>
        !(name in refused) &&
        !(name in decodedLikeReference) &&
        !(name in unmatched) &&
        name !== 'b/pal8badindex.bmp' &&
        acceptableFor(name).length === 0,
    );
    expect(unaccounted).toEqual([]);
  });

  for (const name of files.filter((file) => file in refused)) {
    const { code, why } = refused[name]!;
    it(`refuses ${name} with ${code} (${why})`, () => {
      expect(codeOf(() => decodeBmp(readSuiteFile(name)))).toBe(code);
      outcomes.set(name, name.startsWith('b/') ? 'handled' : 'refused');
    });
  }

  const matched = files.filter(
    (file) => !(file in refused) && !(file in decodedLikeReference) && !(file in unmatched) && file !== 'b/pal8badindex.bmp',
  );
  for (const name of matched) {
    const acceptable = acceptableFor(name);
    it(`decodes ${name} to ${acceptable.join(' or ')}`, () => {
      const best = Math.min(...acceptable.map((reference) => mismatchesAgainst(name, reference)));
      expect(best).toBe(0);
      outcomes.set(name, name.startsWith('b/') ? 'handled' : 'matched');
    });
  }

  for (const [name, reference] of Object.entries(decodedLikeReference)) {
    it(`decodes ${name} like ${reference}`, () => {
      expect(mismatchesAgainst(name, reference)).toBe(0);
      outcomes.set(name, 'handled');
    });
  }

  for (const [name, why] of Object.entries(unmatched)) {
    it(`decodes ${name} without matching its reference: ${why}`, () => {
      expect(mismatchesAgainst(name, acceptableFor(name)[0]!)).toBeGreaterThan(0);
      outcomes.set(name, 'unmatched');
    });
  }

  it('shows indices past the end of the palette as opaque black (b/pal8badindex.bmp)', () => {
    const { image } = readBmp(readSuiteFile('b/pal8badindex.bmp'));
    if (image.format.kind !== 'indexed') throw new Error(`expected an indexed image, got ${image.format.kind}`);
    const entries = image.format.palette.length / 4;
    expect(entries).toBe(101);
    const rgba = decodeBmp(readSuiteFile('b/pal8badindex.bmp')).data;
    const pastEnd = [...image.pixels.keys()].filter((i) => image.pixels[i]! >= entries);
    expect(pastEnd.length).toBeGreaterThan(0);
    for (const i of pastEnd) expect([...rgba.subarray(i * 4, i * 4 + 4)]).toEqual([0, 0, 0, 255]);
    outcomes.set('b/pal8badindex.bmp', 'handled');
  });

  it('handles every b/ file within 200 ms: a BmpError or a sane image, nothing else', () => {
    for (const name of files.filter((file) => file.startsWith('b/'))) {
      const bytes = readSuiteFile(name);
      const start = performance.now();
      try {
        const image = decodeBmp(bytes);
        expect(image.data.length, name).toBe(image.width * image.height * 4);
      } catch (error) {
        expect(error, name).toBeInstanceOf(BmpError);
      }
      expect(performance.now() - start, name).toBeLessThan(200);
    }
  });

  it('gives the same RGBA from decodeBmp as from readBmp + toRgba, for every file it reads', () => {
    for (const name of files) {
      const bytes = readSuiteFile(name);
      if (codeOf(() => readBmp(bytes)) !== 'decoded') continue;
      expect([...decodeBmp(bytes).data], name).toEqual([...toRgba(readBmp(bytes).image)]);
    }
  });

  afterAll(() => {
    const count = (dir: string, outcome: string): number =>
      files.filter((file) => file.startsWith(dir) && outcomes.get(file) === outcome).length;
    const total = (dir: string): number => files.filter((file) => file.startsWith(dir)).length;
    console.log(
      `BMP Suite: g/ ${count('g/', 'matched')} of ${total('g/')} exact; ` +
        `q/ ${count('q/', 'matched')} of ${total('q/')} match a reference ` +
        `(${count('q/', 'refused')} refused as unsupported, ${count('q/', 'unmatched')} decoded without a match); ` +
        `b/ ${count('b/', 'handled')} of ${total('b/')} handled cleanly`,
    );
  });
});
