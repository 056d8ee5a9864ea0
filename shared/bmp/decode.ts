/**
 * BMP bytes → {@link NativeImage}: the pixels stay in the file's own format (palette indices,
 * masked words or BGR triples), only unpadded, made top-down and, for RLE, expanded.
 */
import { rowBytes, type NativeImage } from '../pixels/pixel-format.ts';
import { BmpError, BmpErrorCode } from './errors.ts';
import { readLayout, type BmpLayout, type DecodeLimits } from './headers.ts';
import { decodeRle } from './rle.ts';

/**
 * Decodes a BMP file. Accepts any `Uint8Array` view (a Node `Buffer` included) and reads only
 * its own bytes. Throws {@link BmpError} for anything it cannot decode, and nothing else.
 */
export function decode(bytes: Uint8Array, limits?: DecodeLimits): NativeImage {
  const layout = readLayout(bytes, limits);
  const { width, height, format } = layout;
  const data = bytes.subarray(layout.pixelOffset);
  const pixels =
    layout.storage === 'rows'
      ? readRows(data, layout)
      : decodeRle(data, width, height, layout.storage === 'rle8' ? 8 : 4);
  return { width, height, format, pixels };
}

/**
 * Stored rows are padded to a multiple of 4 bytes (MS-BMP, "Bitmap Storage"). The last row's
 * padding may be missing from the file: only its pixels are required.
 */
function readRows(data: Uint8Array, layout: BmpLayout): Uint8Array {
  const { width, height, topDown } = layout;
  const bitsPerPixel = layout.format.bitsPerPixel;
  const unpadded = rowBytes(width, bitsPerPixel);
  const stride = Math.ceil(unpadded / 4) * 4;
  const needed = stride * (height - 1) + unpadded;
  if (needed > data.byteLength) {
    throw new BmpError(
      BmpErrorCode.TRUNCATED,
      `${width}×${height} at ${bitsPerPixel} bits needs ${needed} bytes of pixel data, the file has ${data.byteLength}`,
    );
  }
  const pixels = new Uint8Array(unpadded * height);
  // Bits after the last pixel of a sub-byte row are cleared, so equal images have equal bytes.
  const spareBits = unpadded * 8 - width * bitsPerPixel;
  const lastByteMask = (0xff << spareBits) & 0xff;
  for (let row = 0; row < height; row++) {
    const from = (topDown ? row : height - 1 - row) * stride;
    const to = row * unpadded;
    pixels.set(data.subarray(from, from + unpadded), to);
    if (spareBits) pixels[to + unpadded - 1]! &= lastByteMask;
  }
  return pixels;
}
