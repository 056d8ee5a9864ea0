/** The BMP codec's one public surface. */
export { decode } from './decode.ts';
export { encode } from './encode.ts';
export { BmpError, BmpErrorCode } from './errors.ts';
export {
  Compression,
  DEFAULT_MAX_PIXELS,
  FILE_HEADER_SIZE,
  InfoHeaderSize,
  readLayout,
  type BmpLayout,
  type DecodeLimits,
  type PixelStorage,
} from './headers.ts';
