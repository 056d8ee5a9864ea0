/**
 * Whatever bytes arrive, readBmp() and decodeBmp() return a consistent image or throw a
 * BmpError: never another exception, never a hang, never more memory than the pixel limit allows.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BmpError, decodeBmp, readBmp } from '../../../shared/bmp/index.ts';
import { rowBytes } from '../../../shared/pixels/pixel-format.ts';
import { BMP_SUITE_DIR } from '../../fixtures/paths.ts';

const suite = BMP_SUITE_DIR;
const MAX_PIXELS = 1 << 20;

/** Decodes and checks the result is self-consistent; returns false when refused with a BmpError. */
function decodesConsistently(bytes: Uint8Array): boolean {
  try {
    const { image } = readBmp(bytes, { maxPixels: MAX_PIXELS });
    expect(image.width * image.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(image.pixels.length).toBe(rowBytes(image.width, image.format.bitsPerPixel) * image.height);
    if (image.format.kind === 'indexed') {
      const entries = image.format.palette.length / 4;
      expect(entries >= 1 && entries <= 2 ** image.format.bitsPerPixel && Number.isInteger(entries)).toBe(true);
    }
    const rgba = decodeBmp(bytes, { maxPixels: MAX_PIXELS });
    expect([rgba.width, rgba.height, rgba.data.length]).toEqual([image.width, image.height, image.width * image.height * 4]);
    return true;
  } catch (error) {
    if (error instanceof BmpError) return false;
    throw error;
  }
}

/** Small seeds covering every header kind and storage the decoder reads. */
const seeds = [
  'g/pal1.bmp',
  'g/pal4rle.bmp',
  'g/pal8rle.bmp',
  'g/pal8os2.bmp',
  'g/pal8v5.bmp',
  'g/rgb16-565.bmp',
  'g/rgb24.bmp',
  'q/pal8os2v2-16.bmp',
  'q/rgba32abf.bmp',
  'q/rgba16-4444.bmp',
].map((name) => readFileSync(`${suite}${name}`));

describe('readBmp and decodeBmp on hostile input', () => {
  it('refuses random bytes, with or without a "BM" signature, with a BmpError', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 300 }), (signed, body) => {
        const bytes = signed ? Uint8Array.from([0x42, 0x4d, ...body]) : body;
        decodesConsistently(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes or refuses real files with header bytes overwritten', () => {
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      writes: fc.array(fc.tuple(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
    });
    fc.assert(
      fc.property(mutation, ({ seed, writes }) => {
        const bytes = Uint8Array.from(seeds[seed]!);
        for (const [at, value] of writes) if (at < bytes.length) bytes[at] = value;
        decodesConsistently(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes or refuses real files cut short or with pixel bytes overwritten', () => {
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: seeds.length - 1 }),
      keep: fc.double({ min: 0, max: 1, noNaN: true }),
      writes: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), {
        maxLength: 20,
      }),
    });
    fc.assert(
      fc.property(mutation, ({ seed, keep, writes }) => {
        const original = seeds[seed]!;
        const bytes = Uint8Array.from(original.subarray(0, Math.ceil(original.length * keep)));
        for (const [where, value] of writes) bytes[Math.floor(where * bytes.length)] = value;
        decodesConsistently(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('checks the seeds themselves decode, so the mutations start from valid files', () => {
    expect(seeds.map((bytes) => decodesConsistently(bytes))).toEqual(seeds.map(() => true));
  });

  it('decodes or refuses 5000 seeded mutations of every BMP Suite file', () => {
    const suiteFiles = ['g', 'q', 'b'].flatMap((dir) =>
      readdirSync(`${suite}${dir}`).map((name) => readFileSync(`${suite}${dir}/${name}`)),
    );
    // One mutation: overwrite a byte (anywhere, or in the first 160 bytes where the headers
    // are), flip a bit, or cut the file; several per case.
    // Positions as integers taken modulo the length: fast-check biases doubles towards 0 and 1.
    const where = fc.nat();
    const edit = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), where: fc.nat(159), value: fc.nat(255) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('set-anywhere' as const), where, value: fc.nat(255) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), where, value: fc.nat(7) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), where, value: fc.constant(0) }) },
    );
    const mutation = fc.record({
      file: fc.nat(suiteFiles.length - 1),
      edits: fc.array(edit, { minLength: 1, maxLength: 4 }),
    });
    let decoded = 0;
    fc.assert(
      fc.property(mutation, ({ file, edits }) => {
        let bytes = Uint8Array.from(suiteFiles[file]!);
        for (const { kind, where, value } of edits) {
          if (bytes.length === 0) break;
          const at = kind === 'set' ? Math.min(where, bytes.length - 1) : where % bytes.length;
          if (kind === 'set' || kind === 'set-anywhere') bytes[at] = value;
          else if (kind === 'flip') bytes[at]! ^= 1 << value;
          else bytes = bytes.slice(0, at);
        }
        if (decodesConsistently(bytes)) decoded++;
      }),
      { numRuns: 5000, seed: 20260221 },
    );
    // Both outcomes are exercised: many mutations still decode, many are refused.
    console.log(`BMP Suite mutations: ${decoded} of 5000 decoded, ${5000 - decoded} refused with a BmpError`);
    expect(decoded).toBeGreaterThan(1000);
    expect(decoded).toBeLessThan(4000);
  });
});
