/**
 * Native pixels → RGBA, the form a canvas takes. Conversion happens only for display; the image
 * travels in its native format.
 *
 * Two entry points: {@link createRgbaMapper} converts one raw pixel value (for a receiver that
 * paints pixels as they arrive), {@link toRgba} a whole image.
 */
import { maskLayout } from './channel-mask.ts';
import { LITTLE_ENDIAN } from './little-endian.ts';
import { rowBytes, type ChannelMasks, type NativeImage, type PixelFormat } from './pixel-format.ts';

/**
 * Raw pixel value → RGBA word with red in the low byte and alpha in the high byte, which is
 * what a little-endian `Uint32Array` over RGBA bytes holds. The raw value is a palette index,
 * a 16- or 32-bit little-endian word (negative int32 values are fine), or for 24-bit BGR the
 * little-endian word blue | green << 8 | red << 16.
 */
export type RgbaMapper = (raw: number) => number;

const OPAQUE_BLACK = 0xff000000;

export function createRgbaMapper(format: PixelFormat): RgbaMapper {
  switch (format.kind) {
    case 'indexed':
      return indexedMapper(format.palette, format.bitsPerPixel);
    case 'bgr':
      return (raw) => (((raw >>> 16) & 0xff) | (raw & 0xff00) | ((raw & 0xff) << 16) | OPAQUE_BLACK) >>> 0;
    case 'masked':
      return maskedMapper(format.masks);
  }
}

/**
 * Every possible index of a `bitsPerPixel`-bit image → its RGBA word; indices past the palette's
 * end are opaque black (pixel-format.ts).
 */
export function paletteWords(palette: Uint8Array, bitsPerPixel: number): Uint32Array {
  const words = new Uint32Array(2 ** bitsPerPixel).fill(OPAQUE_BLACK);
  const entries = Math.min(words.length, palette.length >> 2);
  for (let i = 0; i < entries; i++) {
    const at = i * 4;
    words[i] = (palette[at]! | (palette[at + 1]! << 8) | (palette[at + 2]! << 16) | (palette[at + 3]! << 24)) >>> 0;
  }
  return words;
}

function indexedMapper(palette: Uint8Array, bitsPerPixel: number): RgbaMapper {
  const words = paletteWords(palette, bitsPerPixel);
  const indexMask = words.length - 1;
  return (raw) => words[raw & indexMask]!;
}

interface ChannelReader {
  readonly shift: number;
  /** The raw channel value (after shifting) → 0-255; its length is a power of two. */
  readonly scale: Uint8Array;
}

/**
 * A channel of n bits is scaled to 8 bits as round(v × 255 / (2^n − 1)), so that 0 and the
 * maximum map to 0 and 255 exactly. Channels wider than 16 bits keep only their top 16 bits,
 * which changes no 8-bit result. An empty mask reads as `absent` (0 for a colour, 255 for alpha).
 */
function channelReader(mask: number, absent: number): ChannelReader {
  const layout = maskLayout(mask);
  if (layout.bits === 0) return { shift: 0, scale: Uint8Array.of(absent) };
  const dropped = Math.max(0, layout.bits - 16);
  const max = 2 ** (layout.bits - dropped) - 1;
  const scale = new Uint8Array(max + 1);
  for (let v = 0; v <= max; v++) scale[v] = Math.round((v * 255) / max);
  return { shift: layout.shift + dropped, scale };
}

function maskedMapper(masks: ChannelMasks): RgbaMapper {
  const r = channelReader(masks.red, 0);
  const g = channelReader(masks.green, 0);
  const b = channelReader(masks.blue, 0);
  const a = channelReader(masks.alpha, 255);
  // Unpacked into locals: this runs once per pixel.
  const [rShift, rScale, rMask] = [r.shift, r.scale, r.scale.length - 1];
  const [gShift, gScale, gMask] = [g.shift, g.scale, g.scale.length - 1];
  const [bShift, bScale, bMask] = [b.shift, b.scale, b.scale.length - 1];
  const [aShift, aScale, aMask] = [a.shift, a.scale, a.scale.length - 1];
  return (raw) =>
    (rScale[(raw >>> rShift) & rMask]! |
      (gScale[(raw >>> gShift) & gMask]! << 8) |
      (bScale[(raw >>> bShift) & bMask]! << 16) |
      (aScale[(raw >>> aShift) & aMask]! << 24)) >>>
    0;
}

/** The whole image as RGBA bytes, 4 per pixel, rows top-down. */
export function toRgba(image: NativeImage): Uint8Array {
  const { width, height, format, pixels } = image;
  const bpp = format.bitsPerPixel;
  const count = width * height;
  const rgba = new Uint8Array(count * 4);
  if (bpp === 24 && LITTLE_ENDIAN) {
    const words = new Uint32Array(rgba.buffer);
    for (let p = 0, i = 0; p < count; p++, i += 3) {
      words[p] = pixels[i + 2]! | (pixels[i + 1]! << 8) | (pixels[i]! << 16) | OPAQUE_BLACK;
    }
    return rgba;
  }
  if (bpp === 24) {
    for (let p = 0, i = 0, o = 0; p < count; p++, i += 3, o += 4) {
      rgba[o] = pixels[i + 2]!;
      rgba[o + 1] = pixels[i + 1]!;
      rgba[o + 2] = pixels[i]!;
      rgba[o + 3] = 255;
    }
    return rgba;
  }
  // Words are written little-endian, so the bytes come out red, green, blue, alpha.
  const out = new DataView(rgba.buffer);
  const map = createRgbaMapper(format);
  if (bpp === 32 && format.kind === 'masked') {
    const bytes = wholeByteChannels(format.masks);
    if (bytes) {
      copyByteChannels(pixels, bytes, rgba);
      return rgba;
    }
    for (let i = 0, end = count * 4; i < end; i += 4) {
      out.setUint32(i, map(pixels[i]! | (pixels[i + 1]! << 8) | (pixels[i + 2]! << 16) | (pixels[i + 3]! << 24)), true);
    }
    return rgba;
  }
  // Formats of up to 16 bits have few enough values to convert each one once.
  const table = new Uint32Array(2 ** bpp);
  for (let raw = 0; raw < table.length; raw++) table[raw] = map(raw);
  if (bpp === 16) {
    for (let p = 0, i = 0; p < count; p++, i += 2) out.setUint32(p * 4, table[pixels[i]! | (pixels[i + 1]! << 8)]!, true);
  } else if (bpp === 8) {
    for (let p = 0; p < count; p++) out.setUint32(p * 4, table[pixels[p]!]!, true);
  } else {
    const stride = rowBytes(width, bpp);
    const indexMask = (1 << bpp) - 1;
    for (let y = 0, o = 0; y < height; y++) {
      const rowStart = y * stride;
      for (let bit = 0, end = width * bpp; bit < end; bit += bpp, o += 4) {
        // Packed most significant bits first; each row starts on a byte boundary.
        const index = (pixels[rowStart + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & indexMask;
        out.setUint32(o, table[index]!, true);
      }
    }
  }
  return rgba;
}

/**
 * For 32-bit masks that are each a whole byte or empty (ARGB, XRGB, ABGR…), the byte each
 * channel sits in (-1 when empty); null when any channel is not a whole byte.
 */
function wholeByteChannels(masks: ChannelMasks): number[] | null {
  const positions = [masks.red, masks.green, masks.blue, masks.alpha].map((mask) => {
    if (mask === 0) return -1;
    const { shift, bits } = maskLayout(mask);
    return bits === 8 && shift % 8 === 0 ? shift / 8 : null;
  });
  return positions.every((position) => position !== null) ? (positions as number[]) : null;
}

/** Byte shuffle for {@link wholeByteChannels}: no scaling is needed for 8-bit channels. */
function copyByteChannels(pixels: Uint8Array, [r, g, b, a]: number[], rgba: Uint8Array): void {
  const absent = [0, 0, 0, 255];
  const sources = [r!, g!, b!, a!];
  for (let c = 0; c < 4; c++) {
    const from = sources[c]!;
    if (from < 0) {
      for (let o = c; o < rgba.length; o += 4) rgba[o] = absent[c]!;
    } else {
      for (let o = c, i = from; o < rgba.length; o += 4, i += 4) rgba[o] = pixels[i]!;
    }
  }
}
