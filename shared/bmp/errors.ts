/**
 * Every way a BMP can be refused. The codes are stable: the UI maps them to messages and tests
 * match on them, so a code is never renamed, only added.
 */
import { CodedError } from '../coded-error.ts';

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
  /** Huffman 1D (CCITT modified Huffman) data with an unknown code or a row of the wrong length. */
  BAD_HUFFMAN: 'ERR_BMP_BAD_HUFFMAN',
  /** A valid BMP variant this codec does not handle (embedded JPEG/PNG, unknown compression). */
  UNSUPPORTED: 'ERR_BMP_UNSUPPORTED',
  /** The image is larger than the caller's limits allow; refused before allocating it. */
  TOO_LARGE: 'ERR_BMP_TOO_LARGE',
  /** decodeBmp()'s `into` buffer does not have width × height × 4 bytes. */
  BAD_OUTPUT: 'ERR_BMP_BAD_OUTPUT',
  /** encodeBmp() was given an image that is inconsistent or does not fit the requested format. */
  INVALID_IMAGE: 'ERR_BMP_INVALID_IMAGE',
} as const;

export type BmpErrorCode = (typeof BmpErrorCode)[keyof typeof BmpErrorCode];

export class BmpError extends CodedError<BmpErrorCode> {
  override readonly name = 'BmpError';

  /**
   * @param offset byte offset in the file where the problem lies, when there is one; it is also
   *   appended to the message, so a message alone says what and where.
   */
  constructor(
    code: BmpErrorCode,
    message: string,
    readonly offset?: number,
    options?: { cause?: unknown },
  ) {
    super(code, offset === undefined ? message : `${message} (at byte ${offset})`, options);
  }
}
