/**
 * Reads a BMP's file header, info header, masks and palette into one {@link BmpLayout}, checking
 * every field and the caller's size limits before any pixel buffer is allocated.
 *
 * Field layouts: MS-BMP "BITMAPFILEHEADER", "BITMAPCOREHEADER", "BITMAPINFOHEADER",
 * "BITMAPV4HEADER", "BITMAPV5HEADER"; the 52- and 56-byte Adobe variants and OS/2 2.x headers
 * as catalogued by BMP Suite 2.8 (entropymine.com/jason/bmpsuite).
 */
import { maskProblem } from '../pixels/channel-mask.ts';
import { MASKS_555, MASKS_XRGB32, type ChannelMasks, type PixelFormat } from '../pixels/pixel-format.ts';
import { BmpError, BmpErrorCode } from './errors.ts';

/** "BM" read as a little-endian 16-bit word. */
export const BMP_SIGNATURE = 0x4d42;
export const FILE_HEADER_SIZE = 14;

/** Info header sizes in bytes; the first field of every info header is its own size. */
export const InfoHeaderSize = {
  /** OS/2 1.x BITMAPCOREHEADER: 16-bit width and height, 3-byte palette entries. */
  CORE: 12,
  /** Smallest OS/2 2.x header; sizes from here to 64 that are not Windows sizes are OS/2 2.x. */
  OS2_V2_MIN: 16,
  INFO: 40,
  /** BITMAPINFOHEADER plus red, green and blue masks (Adobe). */
  V2: 52,
  /** BITMAPINFOHEADER plus red, green, blue and alpha masks (Adobe). */
  V3: 56,
  OS2_V2: 64,
  V4: 108,
  V5: 124,
} as const;

/** biCompression values (MS-BMP "Compression" enumeration). */
export const Compression = {
  RGB: 0,
  RLE8: 1,
  RLE4: 2,
  BITFIELDS: 3,
  JPEG: 4,
  PNG: 5,
  ALPHABITFIELDS: 6,
} as const;

/** In OS/2 2.x headers, values 3 and 4 mean other things (BMP Suite: pal1huffmsb, rgb24rle24). */
const Os2Compression = { HUFFMAN_1D: 3, RLE24: 4 } as const;

/** Largest image decode() will allocate unless told otherwise: 32 Mi pixels (128 MiB as 32-bit). */
export const DEFAULT_MAX_PIXELS = 32 * 1024 * 1024;

export interface DecodeLimits {
  /** Refuse images with more pixels than this, before allocating anything. Default {@link DEFAULT_MAX_PIXELS}. */
  readonly maxPixels?: number;
}

/** How the pixel data after {@link BmpLayout.pixelOffset} is stored. */
export type PixelStorage = 'rows' | 'rle8' | 'rle4';

export interface BmpLayout {
  readonly width: number;
  readonly height: number;
  /** True when the first stored row is the top one (negative height). Never true for RLE. */
  readonly topDown: boolean;
  readonly format: PixelFormat;
  readonly storage: PixelStorage;
  /** Offset of the pixel data from the start of the file (bfOffBits). */
  readonly pixelOffset: number;
}

type HeaderKind = 'core' | 'os2v2' | 'windows';

function fail(code: BmpErrorCode, message: string): never {
  throw new BmpError(code, message);
}

/** Checks that `end` bytes exist, so that every later read is in bounds. */
function need(bytes: Uint8Array, end: number, what: string): void {
  if (end > bytes.byteLength) {
    fail(BmpErrorCode.TRUNCATED, `file is ${bytes.byteLength} bytes but ${what} needs ${end}`);
  }
}

function headerKind(size: number): HeaderKind {
  if (size === InfoHeaderSize.CORE) return 'core';
  const windowsSizes: readonly number[] = [
    InfoHeaderSize.INFO,
    InfoHeaderSize.V2,
    InfoHeaderSize.V3,
    InfoHeaderSize.V4,
    InfoHeaderSize.V5,
  ];
  if (windowsSizes.includes(size)) return 'windows';
  // An OS/2 2.x header may stop after any field: sizes 16 to 64 that end on a field boundary,
  // which are the multiples of 4 plus 42 and 46 (the two 16-bit fields after offset 40).
  const os2FieldEnd = size % 4 === 0 || size === 42 || size === 46;
  if (size >= InfoHeaderSize.OS2_V2_MIN && size <= InfoHeaderSize.OS2_V2 && os2FieldEnd) return 'os2v2';
  return fail(BmpErrorCode.BAD_HEADER, `info header size ${size} is not 12, 40, 52, 56, 108, 124 or an OS/2 2.x size`);
}

export function readLayout(bytes: Uint8Array, limits: DecodeLimits = {}): BmpLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 2 || view.getUint16(0, true) !== BMP_SIGNATURE) {
    fail(BmpErrorCode.NOT_BMP, 'file does not start with "BM"');
  }
  need(bytes, FILE_HEADER_SIZE + 4, 'the file header');
  // bfSize is ignored: BMP Suite's pal8os2-sz and badfilesize show writers get it wrong.
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(FILE_HEADER_SIZE, true);
  const kind = headerKind(headerSize);
  const headerEnd = FILE_HEADER_SIZE + headerSize;
  need(bytes, headerEnd, `a ${headerSize}-byte info header`);
  need(bytes, pixelOffset, 'the pixel data offset');

  /** A 32-bit info header field, or 0 when an OS/2 2.x header is too short to hold it. */
  const field32 = (offset: number): number =>
    offset + 4 <= headerSize ? view.getUint32(FILE_HEADER_SIZE + offset, true) : 0;

  const core = kind === 'core';
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const planes = view.getUint16(core ? 22 : 26, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? Compression.RGB : field32(16);

  if (planes !== 1) fail(BmpErrorCode.BAD_HEADER, `planes is ${planes}, must be 1`);
  if (width <= 0) fail(BmpErrorCode.BAD_DIMENSIONS, `width is ${width}, must be positive`);
  // A negative height means top-down rows; -2^31 has no positive counterpart.
  if (rawHeight === 0 || rawHeight === -(2 ** 31)) fail(BmpErrorCode.BAD_DIMENSIONS, `height is ${rawHeight}`);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > maxPixels) {
    fail(BmpErrorCode.TOO_LARGE, `${width}×${height} is more than the limit of ${maxPixels} pixels`);
  }

  const storage = pixelStorage(kind, compression, bitsPerPixel);
  // MS-BMP: "Compressed bitmaps cannot be top-down."
  if (storage !== 'rows' && topDown) fail(BmpErrorCode.BAD_HEADER, 'RLE-compressed bitmaps cannot be top-down');

  // With a 40-byte header, BITFIELDS masks follow the header; larger headers contain them.
  let tableStart = headerEnd;
  let format: PixelFormat;
  if (bitsPerPixel <= 8) {
    format = readIndexedFormat(bytes, view, kind, tableStart, pixelOffset, bitsPerPixel as 1 | 2 | 4 | 8, field32(32));
  } else if (bitsPerPixel === 24) {
    format = { kind: 'bgr', bitsPerPixel: 24 };
  } else {
    const bpp = bitsPerPixel as 16 | 32;
    let masks: ChannelMasks;
    if (compression === Compression.RGB) {
      masks = bpp === 16 ? MASKS_555 : MASKS_XRGB32;
    } else {
      const withAlpha = compression === Compression.ALPHABITFIELDS || headerSize >= InfoHeaderSize.V3;
      const inHeader = headerSize >= InfoHeaderSize.V2;
      const maskStart = inHeader ? FILE_HEADER_SIZE + 40 : headerEnd;
      const maskCount = withAlpha ? 4 : 3;
      need(bytes, maskStart + 4 * maskCount, 'the channel masks');
      masks = {
        red: view.getUint32(maskStart, true),
        green: view.getUint32(maskStart + 4, true),
        blue: view.getUint32(maskStart + 8, true),
        alpha: withAlpha ? view.getUint32(maskStart + 12, true) : 0,
      };
      if (!inHeader) tableStart += 4 * maskCount;
      const problem = maskProblem(masks, bpp);
      if (problem) fail(BmpErrorCode.BAD_MASKS, problem);
    }
    format = { kind: 'masked', bitsPerPixel: bpp, masks };
  }

  if (pixelOffset < tableStart) {
    fail(BmpErrorCode.BAD_HEADER, `pixel data offset ${pixelOffset} lies inside the headers, which end at ${tableStart}`);
  }
  return { width, height, topDown, format, storage, pixelOffset };
}

function pixelStorage(kind: HeaderKind, compression: number, bitsPerPixel: number): PixelStorage {
  if (kind === 'os2v2' && compression === Os2Compression.HUFFMAN_1D) {
    fail(BmpErrorCode.UNSUPPORTED, 'OS/2 Huffman 1D compression is not supported');
  }
  if (kind === 'os2v2' && compression === Os2Compression.RLE24) {
    fail(BmpErrorCode.UNSUPPORTED, 'OS/2 24-bit RLE compression is not supported');
  }
  if (kind === 'os2v2' && compression > Compression.RLE4) {
    fail(BmpErrorCode.UNSUPPORTED, `OS/2 compression method ${compression} is not supported`);
  }
  if (compression === Compression.JPEG || compression === Compression.PNG) {
    fail(BmpErrorCode.UNSUPPORTED, 'BMPs that embed a JPEG or PNG are not supported');
  }
  if (bitsPerPixel === 64) fail(BmpErrorCode.UNSUPPORTED, '64-bit BMPs are not supported');
  if (![1, 2, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    fail(BmpErrorCode.BAD_HEADER, `bit depth ${bitsPerPixel} is not one of 1, 2, 4, 8, 16, 24, 32`);
  }
  switch (compression) {
    case Compression.RGB:
      return 'rows';
    case Compression.RLE8:
      if (bitsPerPixel !== 8) fail(BmpErrorCode.BAD_HEADER, `RLE8 needs 8 bits per pixel, not ${bitsPerPixel}`);
      return 'rle8';
    case Compression.RLE4:
      if (bitsPerPixel !== 4) fail(BmpErrorCode.BAD_HEADER, `RLE4 needs 4 bits per pixel, not ${bitsPerPixel}`);
      return 'rle4';
    case Compression.BITFIELDS:
    case Compression.ALPHABITFIELDS:
      if (bitsPerPixel !== 16 && bitsPerPixel !== 32) {
        fail(BmpErrorCode.BAD_HEADER, `bit-field masks need 16 or 32 bits per pixel, not ${bitsPerPixel}`);
      }
      return 'rows';
    default:
      return fail(BmpErrorCode.UNSUPPORTED, `compression method ${compression} is not supported`);
  }
}

/**
 * The palette sits between the headers and the pixel data. Its length is biClrUsed, or
 * 2^bitsPerPixel when that is 0, but never more than 2^bitsPerPixel entries and never past the
 * pixel data offset: OS/2 1.x files have no biClrUsed (BMP Suite pal8os2sp), and some writers
 * declare more entries than exist (pal8oversizepal, badpalettesize).
 */
function readIndexedFormat(
  bytes: Uint8Array,
  view: DataView,
  kind: HeaderKind,
  paletteStart: number,
  pixelOffset: number,
  bitsPerPixel: 1 | 2 | 4 | 8,
  colorsUsed: number,
): PixelFormat {
  const entrySize = kind === 'core' ? 3 : 4;
  const maxEntries = 2 ** bitsPerPixel;
  const room = Math.floor(Math.max(0, pixelOffset - paletteStart) / entrySize);
  const entries = Math.min(colorsUsed === 0 ? maxEntries : colorsUsed, maxEntries, room);
  if (entries === 0) fail(BmpErrorCode.BAD_HEADER, `${bitsPerPixel}-bit image has no room for a palette before its pixel data`);
  const palette = new Uint8Array(entries * 4);
  for (let i = 0; i < entries; i++) {
    const at = paletteStart + i * entrySize;
    // Entries are stored blue, green, red (then a reserved byte); BMP palettes carry no alpha.
    palette[i * 4] = view.getUint8(at + 2);
    palette[i * 4 + 1] = view.getUint8(at + 1);
    palette[i * 4 + 2] = view.getUint8(at);
    palette[i * 4 + 3] = 255;
  }
  return { kind: 'indexed', bitsPerPixel, palette };
}
