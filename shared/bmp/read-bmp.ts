/**
 * BMP bytes → the header facts and the pixels in their native format ({@link NativeImage}):
 * palette indices, masked words or BGR triples, only unpadded, made top-down and, for
 * compressed files, expanded. This is what the transfer engine sends: a 1-bit image travels at
 * 1 bit per pixel.
 */
import type { NativeImage } from '../pixels/pixel-format.ts';
import { readHeader, type BmpHeader, type BmpReadOptions } from './headers.ts';
import { expandHuffman1d } from './huffman-1d.ts';
import { rgba64ToArgb } from './rgba64.ts';
import { expandRle } from './rle.ts';

export interface BmpFile {
  readonly header: BmpHeader;
  readonly image: NativeImage;
  /**
   * True when an RLE stream ended (the file was cut) before its end-of-bitmap marker: the rows
   * it never reached are transparent. Every other kind of damage is a {@link BmpError}.
   */
  readonly partial: boolean;
}

/**
 * Reads a BMP file. Accepts any `Uint8Array` view (a Node `Buffer` included) and reads only
 * its own bytes. Throws {@link BmpError} for anything it cannot read, and nothing else.
 */
export function readBmp(bytes: Uint8Array, options?: BmpReadOptions): BmpFile {
  return readPixels(bytes, readHeader(bytes, options));
}

/** The pixels of a file whose header {@link readHeader} has read and checked. */
export function readPixels(bytes: Uint8Array, header: BmpHeader): BmpFile {
  const { width, height, format, dataOffset } = header;
  const data = bytes.subarray(dataOffset);
  switch (header.storage) {
    case 'rows': {
      const { padded } = header.stride!;
      const pixels =
        header.bitsPerPixel === 64
          ? rgba64ToArgb(data, width, height, padded, header.topDown)
          : readRows(data, header);
      return { header, image: { width, height, format, pixels }, partial: false };
    }
    case 'huffman1d':
      return { header, image: { width, height, format, pixels: expandHuffman1d(data, dataOffset, width, height) }, partial: false };
    default: {
      const bits = header.storage === 'rle4' ? 4 : header.storage === 'rle8' ? 8 : 24;
      const rle = expandRle(data, dataOffset, width, height, bits, header.palette);
      return { header, image: { width, height, format: rle.format, pixels: rle.pixels }, partial: rle.partial };
    }
  }
}

/** Unpads and flips stored rows; readHeader has checked that the file holds them all. */
function readRows(data: Uint8Array, header: BmpHeader): Uint8Array {
  const { width, height, topDown } = header;
  const { unpadded, padded } = header.stride!;
  const pixels = new Uint8Array(unpadded * height);
  // Bits after the last pixel of a sub-byte row are cleared, so equal images have equal bytes.
  const spareBits = unpadded * 8 - width * header.bitsPerPixel;
  const lastByteMask = (0xff << spareBits) & 0xff;
  for (let row = 0; row < height; row++) {
    const from = (topDown ? row : height - 1 - row) * padded;
    const to = row * unpadded;
    pixels.set(data.subarray(from, from + unpadded), to);
    if (spareBits) pixels[to + unpadded - 1]! &= lastByteMask;
  }
  return pixels;
}
