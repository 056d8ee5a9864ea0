/** The BMP codec's one public surface. */
export { decodeBmp, type DecodeBmpOptions, type DecodedBmp } from './decode-bmp.ts';
export { encodeBmp, type BmpEncodeFormat, type BmpEncodeOptions } from './encode-bmp.ts';
export { BmpError, BmpErrorCode } from './errors.ts';
export {
  Compression,
  DEFAULT_MAX_PIXELS,
  InfoHeaderSize,
  Os2Compression,
  type BmpHeader,
  type BmpReadOptions,
  type HeaderKind,
  type PixelStorage,
} from './headers.ts';
export { readBmp, type BmpFile } from './read-bmp.ts';
export type { NativeImage, PixelFormat, RgbaImage } from '../pixels/pixel-format.ts';
