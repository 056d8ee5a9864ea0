/**
 * Image → BMP bytes, so that decodeBmp(encodeBmp(x)) gives x back exactly.
 *
 * `format` picks what is written:
 *
 *   'native' (default for a NativeImage)  the image's own pixel format: a 1-bit image stays
 *                                         1-bit. A palette with a transparent entry (an RLE
 *                                         file's unset pixels) has no BMP form; such an image
 *                                         is written as 32-bit.
 *   'auto' (default for RGBA)             the smallest exact file: any alpha → 32-bit;
 *                                         ≤ 2 / 16 / 256 colours → 1 / 4 / 8-bit palette;
 *                                         else 24-bit.
 *   1, 4, 8, 24, 32                       that depth, or ERR_BMP_INVALID_IMAGE when the image
 *                                         does not fit it exactly (too many colours, alpha).
 *
 * Headers: BITMAPINFOHEADER with BI_RGB for palette, 24-bit and default-mask formats;
 * BITMAPV5HEADER with BI_BITFIELDS for any other masks, alpha included (32-bit writes ARGB).
 * Rows are written bottom-up (positive height), as every BMP reader expects.
 */
import { maskProblem } from '../pixels/channel-mask.ts';
import {
  checkRgba,
  distinctColours,
  isOpaque,
  rgbaToArgb,
  rgbaToBgr,
  rgbaToIndexed,
} from '../pixels/from-rgba.ts';
import {
  MASKS_555,
  MASKS_XRGB32,
  rowBytes,
  type ChannelMasks,
  type NativeImage,
  type PixelFormat,
  type RgbaImage,
} from '../pixels/pixel-format.ts';
import { toRgba } from '../pixels/to-rgba.ts';
import { BmpError, BmpErrorCode } from './errors.ts';
import { BMP_SIGNATURE, Compression, FILE_HEADER_SIZE, InfoHeaderSize } from './headers.ts';

export type BmpEncodeFormat = 'native' | 'auto' | 1 | 4 | 8 | 24 | 32;

export interface BmpEncodeOptions {
  /** What to write; default 'native' for a NativeImage, 'auto' for RGBA. */
  readonly format?: BmpEncodeFormat;
}

export function encodeBmp(image: NativeImage | RgbaImage, options: BmpEncodeOptions = {}): Uint8Array {
  const native = 'format' in image;
  const format = options.format ?? (native ? 'native' : 'auto');
  if (native) {
    checkImage(image);
    if (format === 'native') return writeNative(hasBmpPalette(image.format) ? image : argbOf(image));
  } else if (format === 'native') {
    invalid("an RGBA image has no native format; use 'auto' or a bit depth");
  }
  const { width, height } = image;
  const rgba = native ? toRgba(image) : image.data;
  if (!native) checkRgba(width, height, rgba);
  const opaque = isOpaque(rgba);
  if (format === 32 || (format === 'auto' && !opaque)) return writeNative(rgbaToArgb(width, height, rgba));
  if (!opaque) invalid(`the image has transparent pixels, which a ${format}-bit BMP cannot hold`);
  if (format === 24) return writeNative(rgbaToBgr(width, height, rgba));
  const limit = format === 'auto' ? 256 : 2 ** format;
  const colours = distinctColours(rgba, limit);
  if (!colours) {
    if (format === 'auto') return writeNative(rgbaToBgr(width, height, rgba));
    return invalid(`the image has more than ${limit} colours, which a ${format}-bit BMP cannot hold`);
  }
  // 2-bit files are left out of 'auto': few readers other than ours open them.
  const depth = format !== 'auto' ? format : colours.length <= 2 ? 1 : colours.length <= 16 ? 4 : 8;
  return writeNative(rgbaToIndexed(width, height, rgba, colours, depth));
}

/** BMP palette entries have a reserved byte, not alpha. */
function hasBmpPalette(format: PixelFormat): boolean {
  if (format.kind !== 'indexed') return true;
  for (let i = 3; i < format.palette.length; i += 4) if (format.palette[i] !== 255) return false;
  return true;
}

function argbOf(image: NativeImage): NativeImage {
  return rgbaToArgb(image.width, image.height, toRgba(image));
}

/** 72 dots per inch expressed in pixels per metre, what most writers put in biXPelsPerMeter. */
const PIXELS_PER_METRE_AT_72_DPI = 2835;
/** LCS_sRGB: the tag 'sRGB' (MS-WMF "LogicalColorSpace"). */
const LCS_SRGB = 0x73524742;
/** LCS_GM_IMAGES: perceptual rendering intent (MS-WMF "GamutMappingIntent"). */
const LCS_GM_IMAGES = 4;
/** Offsets inside a BITMAPV5HEADER of the fields written after the masks. */
const V5_CS_TYPE = 56;
const V5_INTENT = 108;
/** bfSize and the other offsets are 32-bit unsigned. */
const MAX_FILE_SIZE = 0xffffffff;

function writeNative(image: NativeImage): Uint8Array {
  const { width, height, format, pixels } = image;
  const bitsPerPixel = format.bitsPerPixel;
  const masks = format.kind === 'masked' && !isDefaultMasks(format.masks, format.bitsPerPixel) ? format.masks : null;
  const headerSize = masks ? InfoHeaderSize.V5 : InfoHeaderSize.INFO;
  const palette = format.kind === 'indexed' ? format.palette : new Uint8Array(0);
  const pixelOffset = FILE_HEADER_SIZE + headerSize + palette.length;
  const unpadded = rowBytes(width, bitsPerPixel);
  // Stored rows are padded to a multiple of 4 bytes (MS-BMP, "Bitmap Storage").
  const stride = Math.ceil(unpadded / 4) * 4;
  const imageSize = stride * height;
  const fileSize = pixelOffset + imageSize;
  if (fileSize > MAX_FILE_SIZE) invalid(`${width}×${height} at ${bitsPerPixel} bits does not fit in a 4 GiB BMP`);

  const out = new Uint8Array(fileSize);
  const view = new DataView(out.buffer);
  view.setUint16(0, BMP_SIGNATURE, true);
  view.setUint32(2, fileSize, true);
  view.setUint32(10, pixelOffset, true);

  const info = FILE_HEADER_SIZE;
  view.setUint32(info, headerSize, true);
  view.setInt32(info + 4, width, true);
  view.setInt32(info + 8, height, true);
  view.setUint16(info + 12, 1, true);
  view.setUint16(info + 14, bitsPerPixel, true);
  view.setUint32(info + 16, masks ? Compression.BITFIELDS : Compression.RGB, true);
  view.setUint32(info + 20, imageSize, true);
  view.setInt32(info + 24, PIXELS_PER_METRE_AT_72_DPI, true);
  view.setInt32(info + 28, PIXELS_PER_METRE_AT_72_DPI, true);
  view.setUint32(info + 32, palette.length / 4, true);
  if (masks) {
    view.setUint32(info + 40, masks.red, true);
    view.setUint32(info + 44, masks.green, true);
    view.setUint32(info + 48, masks.blue, true);
    view.setUint32(info + 52, masks.alpha, true);
    view.setUint32(info + V5_CS_TYPE, LCS_SRGB, true);
    view.setUint32(info + V5_INTENT, LCS_GM_IMAGES, true);
  }

  const paletteStart = info + headerSize;
  for (let i = 0; i < palette.length; i += 4) {
    // Stored blue, green, red, reserved.
    out[paletteStart + i] = palette[i + 2]!;
    out[paletteStart + i + 1] = palette[i + 1]!;
    out[paletteStart + i + 2] = palette[i]!;
  }

  const spareBits = unpadded * 8 - width * bitsPerPixel;
  const lastByteMask = (0xff << spareBits) & 0xff;
  for (let row = 0; row < height; row++) {
    const to = pixelOffset + (height - 1 - row) * stride;
    out.set(pixels.subarray(row * unpadded, (row + 1) * unpadded), to);
    // Bits after the last pixel of a sub-byte row are written as 0, whatever the input held.
    if (spareBits) out[to + unpadded - 1]! &= lastByteMask;
  }
  return out;
}

function invalid(message: string): never {
  throw new BmpError(BmpErrorCode.INVALID_IMAGE, message);
}

function isDefaultMasks(masks: ChannelMasks, bitsPerPixel: 16 | 32): boolean {
  const defaults = bitsPerPixel === 16 ? MASKS_555 : MASKS_XRGB32;
  return (
    masks.red === defaults.red &&
    masks.green === defaults.green &&
    masks.blue === defaults.blue &&
    masks.alpha === defaults.alpha
  );
}

function checkImage(image: NativeImage): void {
  const { width, height, format, pixels } = image;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0) {
    invalid(`dimensions ${width}×${height} must be positive integers`);
  }
  if (width > 0x7fffffff || height > 0x7fffffff) invalid(`dimensions ${width}×${height} exceed 2^31 − 1`);
  checkFormat(format);
  const expected = rowBytes(width, format.bitsPerPixel) * height;
  if (pixels.byteLength !== expected) {
    invalid(`${width}×${height} at ${format.bitsPerPixel} bits needs ${expected} bytes of pixels, got ${pixels.byteLength}`);
  }
}

/** Bit depths each kind allows, checked at run time too: images also arrive from plain JavaScript. */
const DEPTHS: Readonly<Record<PixelFormat['kind'], readonly number[]>> = {
  indexed: [1, 2, 4, 8],
  masked: [16, 32],
  bgr: [24],
};

function checkFormat(format: PixelFormat): void {
  const depths: readonly number[] | undefined = DEPTHS[format.kind];
  if (!depths) invalid(`unknown pixel format kind ${String(format.kind)}`);
  if (!depths.includes(format.bitsPerPixel)) invalid(`${format.kind} pixels cannot have ${format.bitsPerPixel} bits`);
  if (format.kind === 'masked') {
    const problem = maskProblem(format.masks, format.bitsPerPixel);
    if (problem) invalid(problem);
  } else if (format.kind === 'indexed') {
    const { palette, bitsPerPixel } = format;
    const entries = palette.length / 4;
    if (!Number.isInteger(entries) || entries < 1 || entries > 2 ** bitsPerPixel) {
      invalid(`a ${bitsPerPixel}-bit palette needs 1 to ${2 ** bitsPerPixel} RGBA entries, got ${palette.length} bytes`);
    }
  }
}
