/**
 * Reads a BMP's file header, info header, masks and palette into one {@link BmpHeader}, checking
 * every field, the file's length and the caller's pixel limit before any pixel buffer exists.
 *
 * Field layouts: MS-BMP "BITMAPFILEHEADER", "BITMAPCOREHEADER", "BITMAPINFOHEADER",
 * "BITMAPV4HEADER", "BITMAPV5HEADER"; the 52- and 56-byte Adobe variants and OS/2 2.x headers
 * as catalogued by BMP Suite 2.8 (entropymine.com/jason/bmpsuite).
 */
import { maskProblem } from '../pixels/channel-mask.ts';
import { MAX_IMAGE_PIXELS } from '../pixels/max-image-pixels.ts';
import {
  MASKS_555,
  MASKS_ARGB32,
  MASKS_XRGB32,
  rowBytes,
  type ChannelMasks,
  type PixelFormat,
} from '../pixels/pixel-format.ts';
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
export const Os2Compression = { HUFFMAN_1D: 3, RLE24: 4 } as const;

/** Largest image the reader allocates unless told otherwise: the product's one pixel ceiling. */
export const DEFAULT_MAX_PIXELS = MAX_IMAGE_PIXELS;

export interface BmpReadOptions {
  /** Refuse images with more pixels than this, before allocating anything. Default {@link DEFAULT_MAX_PIXELS}. */
  readonly maxPixels?: number;
}

/** Which info header the file has, named after its size. */
export type HeaderKind = 'os2-core' | 'os2-v2' | 'info' | 'v2' | 'v3' | 'v4' | 'v5';

/**
 * How the pixel data after {@link BmpHeader.dataOffset} is stored: padded rows, an RLE stream
 * (4-, 8- or OS/2 24-bit), or OS/2 Huffman 1D (CCITT Group 3 one-dimensional) bit rows.
 */
export type PixelStorage = 'rows' | 'rle4' | 'rle8' | 'rle24' | 'huffman1d';

/** Everything the headers say about the file, checked. */
export interface BmpHeader {
  readonly headerKind: HeaderKind;
  /** biSize: 12, 16–64 (OS/2 2.x), 40, 52, 56, 108 or 124. */
  readonly headerSize: number;
  readonly width: number;
  /** Always positive; see {@link topDown}. */
  readonly height: number;
  /** True when the first stored row is the top one (negative height). Never true for compressed data. */
  readonly topDown: boolean;
  /** As stored: 1, 2, 4, 8, 16, 24, 32 or 64. */
  readonly bitsPerPixel: number;
  /** The raw biCompression value (0 for OS/2 1.x, which has none). */
  readonly compression: number;
  readonly storage: PixelStorage;
  /** RGBA, 4 bytes per entry, alpha 255: the entries the file holds (biClrUsed, capped). Null above 8 bits. */
  readonly palette: Uint8Array | null;
  /** The channel masks of 16-, 32- and 64-bit pixels (the BI_RGB defaults when the file has none). */
  readonly masks: ChannelMasks | null;
  /** Offset of the pixel data from the start of the file (bfOffBits). */
  readonly dataOffset: number;
  /** Bytes per stored row, without and with the padding to 4 bytes; null for compressed data. */
  readonly stride: { readonly unpadded: number; readonly padded: number } | null;
  /**
   * The pixel format {@link readBmp} returns. The file's own, except where no native format
   * exists: 64-bit pixels become 32-bit ARGB; RLE24 becomes 24-bit BGR (an RLE image whose
   * stream leaves pixels unset may widen further, see rle.ts).
   */
  readonly format: PixelFormat;
}

function fail(code: BmpErrorCode, message: string, offset?: number): never {
  throw new BmpError(code, message, offset);
}

/** Checks that `end` bytes exist, so that every later read is in bounds. */
function need(bytes: Uint8Array, end: number, what: string): void {
  if (end > bytes.byteLength) {
    fail(BmpErrorCode.TRUNCATED, `file is ${bytes.byteLength} bytes but ${what} needs ${end}`, bytes.byteLength);
  }
}

const WINDOWS_KINDS: Readonly<Record<number, HeaderKind>> = {
  [InfoHeaderSize.INFO]: 'info',
  [InfoHeaderSize.V2]: 'v2',
  [InfoHeaderSize.V3]: 'v3',
  [InfoHeaderSize.V4]: 'v4',
  [InfoHeaderSize.V5]: 'v5',
};

function headerKind(size: number): HeaderKind {
  if (size === InfoHeaderSize.CORE) return 'os2-core';
  const windows = WINDOWS_KINDS[size];
  if (windows) return windows;
  // An OS/2 2.x header may stop after any field: sizes 16 to 64 that end on a field boundary,
  // which are the multiples of 4 plus 42 and 46 (the two 16-bit fields after offset 40).
  const os2FieldEnd = size % 4 === 0 || size === 42 || size === 46;
  if (size >= InfoHeaderSize.OS2_V2_MIN && size <= InfoHeaderSize.OS2_V2 && os2FieldEnd) return 'os2-v2';
  return fail(
    BmpErrorCode.BAD_HEADER,
    `info header size ${size} is not 12, 40, 52, 56, 108, 124 or an OS/2 2.x size`,
    FILE_HEADER_SIZE,
  );
}

export function readHeader(bytes: Uint8Array, options: BmpReadOptions = {}): BmpHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 2 || view.getUint16(0, true) !== BMP_SIGNATURE) {
    fail(BmpErrorCode.NOT_BMP, 'file does not start with "BM"', 0);
  }
  need(bytes, FILE_HEADER_SIZE + 4, 'the file header');
  // bfSize is ignored: BMP Suite's pal8os2-sz and badfilesize show writers get it wrong.
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(FILE_HEADER_SIZE, true);
  const kind = headerKind(headerSize);
  const headerEnd = FILE_HEADER_SIZE + headerSize;
  need(bytes, headerEnd, `a ${headerSize}-byte info header`);
  if (dataOffset > bytes.byteLength) {
    fail(BmpErrorCode.TRUNCATED, `pixel data offset ${dataOffset} is past the end of the ${bytes.byteLength}-byte file`, 10);
  }

  /** A 32-bit info header field, or 0 when an OS/2 2.x header is too short to hold it. */
  const field32 = (offset: number): number =>
    offset + 4 <= headerSize ? view.getUint32(FILE_HEADER_SIZE + offset, true) : 0;

  const core = kind === 'os2-core';
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const planes = view.getUint16(core ? 22 : 26, true);
  const bitsPerPixel = view.getUint16(core ? 24 : 28, true);
  const compression = core ? Compression.RGB : field32(16);

  if (planes !== 1) fail(BmpErrorCode.BAD_HEADER, `planes is ${planes}, must be 1`, core ? 22 : 26);
  if (width <= 0) fail(BmpErrorCode.BAD_DIMENSIONS, `width is ${width}, must be positive`, 18);
  // A negative height means top-down rows; -2^31 has no positive counterpart.
  if (rawHeight === 0 || rawHeight === -(2 ** 31)) fail(BmpErrorCode.BAD_DIMENSIONS, `height is ${rawHeight}`, core ? 20 : 22);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > maxPixels) {
    fail(BmpErrorCode.TOO_LARGE, `${width}×${height} is more than the limit of ${maxPixels} pixels`, 18);
  }

  const storage = pixelStorage(kind, compression, bitsPerPixel);
  // MS-BMP: "Compressed bitmaps cannot be top-down."
  if (storage !== 'rows' && topDown) fail(BmpErrorCode.BAD_HEADER, 'compressed bitmaps cannot be top-down', 22);

  // With a 40-byte header, BITFIELDS masks follow the header; larger headers contain them.
  let tableEnd = headerEnd;
  let palette: Uint8Array | null = null;
  let masks: ChannelMasks | null = null;
  let format: PixelFormat;
  if (bitsPerPixel <= 8) {
    const bpp = bitsPerPixel as 1 | 2 | 4 | 8;
    palette = readPalette(bytes, kind, headerEnd, dataOffset, bpp, field32(32));
    tableEnd = headerEnd + (palette.length / 4) * (core ? 3 : 4);
    format = { kind: 'indexed', bitsPerPixel: bpp, palette };
  } else if (bitsPerPixel === 24) {
    format = { kind: 'bgr', bitsPerPixel: 24 };
  } else if (bitsPerPixel === 64) {
    // s2.13 fixed-point linear light, converted to 8-bit sRGB ARGB by rgba64.ts.
    format = { kind: 'masked', bitsPerPixel: 32, masks: MASKS_ARGB32 };
  } else {
    const bpp = bitsPerPixel as 16 | 32;
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
      if (!inHeader) tableEnd += 4 * maskCount;
      const problem = maskProblem(masks, bpp);
      if (problem) fail(BmpErrorCode.BAD_MASKS, problem, maskStart);
    }
    format = { kind: 'masked', bitsPerPixel: bpp, masks };
  }

  if (dataOffset < tableEnd) {
    fail(BmpErrorCode.BAD_HEADER, `pixel data offset ${dataOffset} lies inside the headers, which end at ${tableEnd}`, 10);
  }

  let stride: BmpHeader['stride'] = null;
  if (storage === 'rows') {
    const unpadded = rowBytes(width, bitsPerPixel as PixelFormat['bitsPerPixel']);
    // Stored rows are padded to a multiple of 4 bytes (MS-BMP, "Bitmap Storage"). The last row's
    // padding may be missing from the file: only its pixels are required.
    const padded = Math.ceil(unpadded / 4) * 4;
    stride = { unpadded, padded };
    const needed = padded * (height - 1) + unpadded;
    if (dataOffset + needed > bytes.byteLength) {
      fail(
        BmpErrorCode.TRUNCATED,
        `${width}×${height} at ${bitsPerPixel} bits needs ${needed} bytes of pixel data from offset ${dataOffset}, the file has ${bytes.byteLength - dataOffset}`,
        bytes.byteLength,
      );
    }
  }
  return {
    headerKind: kind,
    headerSize,
    width,
    height,
    topDown,
    bitsPerPixel,
    compression,
    storage,
    palette,
    masks,
    dataOffset,
    stride,
    format,
  };
}

function pixelStorage(kind: HeaderKind, compression: number, bitsPerPixel: number): PixelStorage {
  const at = FILE_HEADER_SIZE + 16;
  if (kind === 'os2-v2' && compression === Os2Compression.HUFFMAN_1D) {
    if (bitsPerPixel !== 1) fail(BmpErrorCode.BAD_HEADER, `Huffman 1D needs 1 bit per pixel, not ${bitsPerPixel}`, 28);
    return 'huffman1d';
  }
  if (kind === 'os2-v2' && compression === Os2Compression.RLE24) {
    if (bitsPerPixel !== 24) fail(BmpErrorCode.BAD_HEADER, `RLE24 needs 24 bits per pixel, not ${bitsPerPixel}`, 28);
    return 'rle24';
  }
  if (kind === 'os2-v2' && compression > Compression.RLE4) {
    fail(BmpErrorCode.UNSUPPORTED, `unsupported: OS/2 compression method ${compression}`, at);
  }
  if (compression === Compression.JPEG || compression === Compression.PNG) {
    fail(BmpErrorCode.UNSUPPORTED, `unsupported: an embedded ${compression === Compression.JPEG ? 'JPEG' : 'PNG'} image`, at);
  }
  if (![1, 2, 4, 8, 16, 24, 32, 64].includes(bitsPerPixel)) {
    fail(BmpErrorCode.BAD_HEADER, `bit depth ${bitsPerPixel} is not one of 1, 2, 4, 8, 16, 24, 32, 64`, 28);
  }
  switch (compression) {
    case Compression.RGB:
      return 'rows';
    case Compression.RLE8:
      if (bitsPerPixel !== 8) fail(BmpErrorCode.BAD_HEADER, `RLE8 needs 8 bits per pixel, not ${bitsPerPixel}`, 28);
      return 'rle8';
    case Compression.RLE4:
      if (bitsPerPixel !== 4) fail(BmpErrorCode.BAD_HEADER, `RLE4 needs 4 bits per pixel, not ${bitsPerPixel}`, 28);
      return 'rle4';
    case Compression.BITFIELDS:
    case Compression.ALPHABITFIELDS:
      if (bitsPerPixel !== 16 && bitsPerPixel !== 32) {
        fail(BmpErrorCode.BAD_HEADER, `bit-field masks need 16 or 32 bits per pixel, not ${bitsPerPixel}`, 28);
      }
      return 'rows';
    default:
      return fail(BmpErrorCode.UNSUPPORTED, `unsupported: compression method ${compression}`, at);
  }
}

/**
 * The palette sits between the headers and the pixel data. Its length is biClrUsed, or
 * 2^bitsPerPixel when that is 0, but never more than 2^bitsPerPixel entries and never past the
 * pixel data offset: OS/2 1.x files have no biClrUsed (BMP Suite pal8os2sp), and some writers
 * declare more entries than exist (pal8oversizepal, badpalettesize). The data offset was checked
 * against the file length, so the palette is inside the file.
 */
function readPalette(
  bytes: Uint8Array,
  kind: HeaderKind,
  paletteStart: number,
  dataOffset: number,
  bitsPerPixel: 1 | 2 | 4 | 8,
  colorsUsed: number,
): Uint8Array {
  const entrySize = kind === 'os2-core' ? 3 : 4;
  const maxEntries = 2 ** bitsPerPixel;
  const room = Math.floor(Math.max(0, dataOffset - paletteStart) / entrySize);
  const entries = Math.min(colorsUsed === 0 ? maxEntries : colorsUsed, maxEntries, room);
  if (entries === 0) {
    fail(BmpErrorCode.BAD_HEADER, `${bitsPerPixel}-bit image has no room for a palette before its pixel data`, paletteStart);
  }
  const palette = new Uint8Array(entries * 4);
  for (let i = 0; i < entries; i++) {
    const at = paletteStart + i * entrySize;
    // Entries are stored blue, green, red (then a reserved byte); BMP palettes carry no alpha.
    palette[i * 4] = bytes[at + 2]!;
    palette[i * 4 + 1] = bytes[at + 1]!;
    palette[i * 4 + 2] = bytes[at]!;
    palette[i * 4 + 3] = 255;
  }
  return palette;
}
