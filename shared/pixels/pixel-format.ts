/**
 * Native pixel formats: how a BMP stores a pixel, which is also how Pixeldrop sends it.
 *
 * The BMP reader produces a {@link NativeImage}; the transfer engine packetizes its
 * `pixels` unchanged (so a 1-bit image travels at 1 bit per pixel) and the receiver
 * rebuilds the same `NativeImage`, converting to RGBA only for display.
 */

/** Bit masks of a 16- or 32-bit pixel read as a little-endian word (BI_BITFIELDS semantics). 0 = channel absent. */
export interface ChannelMasks {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  /** 0 when the format has no alpha: the pixel is opaque. */
  readonly alpha: number;
}

export type PixelFormat =
  /** Palette indices, packed most significant bits first within each byte. */
  | {
      readonly kind: 'indexed';
      readonly bitsPerPixel: 1 | 2 | 4 | 8;
      /**
       * RGBA, 4 bytes per entry, 1 to 2^bitsPerPixel entries. An index past the end is opaque
       * black. Alpha is 255 except in the one transparent entry an RLE file's unset pixels use.
       */
      readonly palette: Uint8Array;
    }
  /** Little-endian 16- or 32-bit words whose channels are picked out by masks. */
  | { readonly kind: 'masked'; readonly bitsPerPixel: 16 | 32; readonly masks: ChannelMasks }
  /** Three bytes per pixel in the order blue, green, red; opaque. */
  | { readonly kind: 'bgr'; readonly bitsPerPixel: 24 };

export type BitsPerPixel = PixelFormat['bitsPerPixel'];

/** An image in its native pixel format: rows top-down, each {@link rowBytes} long, no 4-byte padding. */
export interface NativeImage {
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  readonly pixels: Uint8Array;
}

/** Bytes in one unpadded row: rows start on a byte boundary, sub-byte pixels are packed MSB first. */
export function rowBytes(width: number, bitsPerPixel: BitsPerPixel): number {
  return Math.ceil((width * bitsPerPixel) / 8);
}

/** 16-bit BI_RGB is 5-5-5 with the top bit unused (MS-BMP, "BITMAPINFOHEADER", biCompression). */
export const MASKS_555: ChannelMasks = { red: 0x7c00, green: 0x03e0, blue: 0x001f, alpha: 0 };
/** 32-bit BI_RGB is B, G, R, unused: opaque. */
export const MASKS_XRGB32: ChannelMasks = { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: 0 };
/** 32-bit with alpha in the top byte, as written by encoders (V5 header with alpha mask). */
export const MASKS_ARGB32: ChannelMasks = { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff, alpha: 0xff000000 };

/** An image as a canvas holds it: 4 bytes per pixel, red, green, blue, straight alpha; rows top-down. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}
