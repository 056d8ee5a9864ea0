/**
 * NativeImage → RGBA bytes (4 per pixel, rows top-down), the form a canvas ImageData takes.
 * Conversion happens only for display; the image travels in its native format.
 */
import { maskLayout } from './channel-mask.ts';
import { rowBytes, type ChannelMasks, type NativeImage, type PixelFormat } from './pixel-format.ts';

export function toRgba(image: NativeImage): Uint8Array {
  const rgba = new Uint8Array(image.width * image.height * 4);
  const format = image.format;
  if (format.kind === 'indexed') indexedToRgba(image, format, rgba);
  else if (format.kind === 'bgr') bgrToRgba(image, rgba);
  else maskedToRgba(image, format.bitsPerPixel, format.masks, rgba);
  return rgba;
}

type Indexed = Extract<PixelFormat, { kind: 'indexed' }>;

function indexedToRgba(image: NativeImage, format: Indexed, rgba: Uint8Array): void {
  const { width, height, pixels } = image;
  const bpp = format.bitsPerPixel;
  // All 2^bpp indices get a colour: those past the palette's end are opaque black (pixel-format.ts).
  const colours = new Uint8Array(4 << bpp);
  for (let i = 0; i < 1 << bpp; i++) colours[i * 4 + 3] = 255;
  colours.set(format.palette.subarray(0, colours.length));
  const stride = rowBytes(width, bpp);
  const perByte = 8 / bpp;
  const indexMask = (1 << bpp) - 1;
  let out = 0;
  for (let y = 0; y < height; y++) {
    const rowStart = y * stride;
    for (let x = 0; x < width; x++) {
      // Packed most significant bits first: pixel 0 of a byte is in its top bits.
      const byte = pixels[rowStart + Math.floor(x / perByte)]!;
      const index = (byte >> (8 - bpp - (x % perByte) * bpp)) & indexMask;
      const c = index * 4;
      rgba[out++] = colours[c]!;
      rgba[out++] = colours[c + 1]!;
      rgba[out++] = colours[c + 2]!;
      rgba[out++] = colours[c + 3]!;
    }
  }
}

function bgrToRgba(image: NativeImage, rgba: Uint8Array): void {
  const { pixels } = image;
  const count = image.width * image.height;
  for (let p = 0, i = 0, o = 0; p < count; p++, i += 3, o += 4) {
    rgba[o] = pixels[i + 2]!;
    rgba[o + 1] = pixels[i + 1]!;
    rgba[o + 2] = pixels[i]!;
    rgba[o + 3] = 255;
  }
}

interface ChannelReader {
  readonly shift: number;
  /** Maps the channel's raw value (after shifting) to 0-255. */
  readonly scale: Uint8Array;
  /** Used when the mask is empty: 0 for a colour, 255 for alpha. */
  readonly absent: number;
}

/**
 * A channel of n bits is scaled to 8 bits as round(v × 255 / (2^n − 1)), so that 0 and the
 * maximum map to 0 and 255 exactly. Channels wider than 16 bits keep only their top 16 bits,
 * which changes no 8-bit result.
 */
function channelReader(mask: number, absent: number): ChannelReader {
  const layout = maskLayout(mask);
  const dropped = Math.max(0, layout.bits - 16);
  const bits = layout.bits - dropped;
  const max = 2 ** bits - 1;
  const scale = new Uint8Array(max + 1);
  for (let v = 0; v <= max; v++) scale[v] = Math.round((v * 255) / max);
  return { shift: layout.shift + dropped, scale, absent: layout.bits === 0 ? absent : -1 };
}

function maskedToRgba(image: NativeImage, bitsPerPixel: 16 | 32, masks: ChannelMasks, rgba: Uint8Array): void {
  const { pixels } = image;
  const count = image.width * image.height;
  const channels = [
    channelReader(masks.red, 0),
    channelReader(masks.green, 0),
    channelReader(masks.blue, 0),
    channelReader(masks.alpha, 255),
  ];
  const bytes = bitsPerPixel / 8;
  for (let p = 0, i = 0, o = 0; p < count; p++, i += bytes, o += 4) {
    const word =
      bytes === 2
        ? pixels[i]! | (pixels[i + 1]! << 8)
        : (pixels[i]! | (pixels[i + 1]! << 8) | (pixels[i + 2]! << 16) | (pixels[i + 3]! << 24)) >>> 0;
    for (let c = 0; c < 4; c++) {
      const channel = channels[c]!;
      rgba[o + c] =
        channel.absent >= 0 ? channel.absent : channel.scale[(word >>> channel.shift) & (channel.scale.length - 1)]!;
    }
  }
}
