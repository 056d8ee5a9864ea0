/** The BMP codec's one public surface. */
export { decode } from './decode.ts';
export { encode } from './encode.ts';
export { BmpError, BmpErrorCode } from './errors.ts';
export { DEFAULT_MAX_PIXELS, type DecodeLimits } from './headers.ts';
