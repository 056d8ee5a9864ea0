/** fast-check generators of native images in every format the wire carries. */
import fc from 'fast-check';
import { packetCountFor, type Manifest } from '../../../shared/protocol/index.ts';
import { MASKS_555, MASKS_ARGB32, rowBytes, type NativeImage, type PixelFormat } from '../../../shared/pixels/pixel-format.ts';

export const pixelFormat: fc.Arbitrary<PixelFormat> = fc.oneof(
  fc.constantFrom(1, 2, 4, 8).chain((bpp) =>
    fc
      .integer({ min: 1, max: 2 ** bpp })
      .chain((entries) => fc.uint8Array({ minLength: entries * 4, maxLength: entries * 4 }))
      .map((palette): PixelFormat => ({ kind: 'indexed', bitsPerPixel: bpp as 1 | 2 | 4 | 8, palette })),
  ),
  fc.constant<PixelFormat>({ kind: 'masked', bitsPerPixel: 16, masks: MASKS_555 }),
  fc.constant<PixelFormat>({ kind: 'masked', bitsPerPixel: 16, masks: { red: 0xf800, green: 0x07e0, blue: 0x001f, alpha: 0 } }),
  fc.constant<PixelFormat>({ kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 }),
  fc.constant<PixelFormat>({ kind: 'bgr', bitsPerPixel: 24 }),
);

/** An image of the given format with random pixels; padding bits at row ends stay zero, as the BMP reader leaves them. */
export function imageOf(format: PixelFormat, maxSide = 40): fc.Arbitrary<NativeImage> {
  return fc
    .record({ width: fc.integer({ min: 1, max: maxSide }), height: fc.integer({ min: 1, max: maxSide }), seed: fc.integer() })
    .map(({ width, height, seed }) => randomImage(width, height, format, seed));
}

export const nativeImage: fc.Arbitrary<NativeImage> = pixelFormat.chain((format) => imageOf(format));

/** Deterministic pseudo-random pixels (a plain LCG: this is test data, not the engine's loss RNG). */
export function randomImage(width: number, height: number, format: PixelFormat, seed: number): NativeImage {
  const stride = rowBytes(width, format.bitsPerPixel);
  const pixels = new Uint8Array(stride * height);
  let state = seed >>> 0;
  for (let i = 0; i < pixels.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    pixels[i] = state >>> 24;
  }
  const usedBits = width * format.bitsPerPixel;
  if (usedBits % 8 !== 0) {
    // Clear the unused low bits of each row's last byte.
    const keep = 0xff << (8 - (usedBits % 8));
    for (let y = 0; y < height; y++) pixels[y * stride + stride - 1]! &= keep;
  }
  return { width, height, format, pixels };
}

/** A plain 24-bit rows manifest whose fields agree with each other: what a forging peer sends. */
export function plainManifest(transferId: number, width = 64, height = 48): Manifest {
  return {
    transferId,
    fileName: 'hostile.bmp',
    width,
    height,
    format: { kind: 'bgr', bitsPerPixel: 24 },
    payloadBytes: 1140,
    packetCount: packetCountFor(width, height, 1140, 24),
    scanOrder: { kind: 'rows' },
    crc32: 0,
    repairRounds: 0,
  };
}
