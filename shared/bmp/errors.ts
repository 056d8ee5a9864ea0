/**
 * Every way a BMP can be refused. The codes are stable: the UI maps them to messages and tests
 * match on them, so a code is never renamed, only added.
 */
export const BmpErrorCode = {
  /** The first two bytes are not "BM". */
  NOT_BMP: 'ERR_BMP_NOT_BMP',
  /** The file ends before a header, palette, mask or pixel row it declares. */
  TRUNCATED: 'ERR_BMP_TRUNCATED',
  /** A header field holds a value no valid BMP has (size, planes, bit depth, offset). */
  BAD_HEADER: 'ERR_BMP_BAD_HEADER',
  /** Width or height is zero, negative where it may not be, or out of range. */
  BAD_DIMENSIONS: 'ERR_BMP_BAD_DIMENSIONS',
  /** Channel masks that overlap, are not contiguous, or exceed the pixel's bits. */
  BAD_MASKS: 'ERR_BMP_BAD_MASKS',
  /** RLE data that writes outside the image or uses an escape wrongly. */
  BAD_RLE: 'ERR_BMP_BAD_RLE',
  /** A valid BMP variant this codec does not handle (embedded JPEG/PNG, 64-bit, Huffman, RLE24). */
  UNSUPPORTED: 'ERR_BMP_UNSUPPORTED',
  /** The image is larger than the caller's limits allow; refused before allocating it. */
  TOO_LARGE: 'ERR_BMP_TOO_LARGE',
  /** encode() was given a NativeImage that is inconsistent or has no BMP representation. */
  INVALID_IMAGE: 'ERR_BMP_INVALID_IMAGE',
} as const;

export type BmpErrorCode = (typeof BmpErrorCode)[keyof typeof BmpErrorCode];

export class BmpError extends Error {
  override readonly name = 'BmpError';

  constructor(
    readonly code: BmpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
