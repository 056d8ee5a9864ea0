/**
 * Native pixels → RGBA, the form a canvas takes. Conversion happens only for display; the image
 * travels in its native format.
 *
 * Two entry points: {@link createRgbaMapper} converts one raw pixel value (for a receiver that
 * paints pixels as they arrive), {@link toRgba} a whole image.
 */
import { maskLayout } from './channel-mask.ts';
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

function indexedMapper(palette: Uint8Array, bitsPerPixel: number): RgbaMapper {
  // Every possible index gets a word: those past the palette's end are opaque black (pixel-format.ts).
  const words = new Uint32Array(2 ** bitsPerPixel).fill(OPAQUE_BLACK);
  const entries = Math.min(words.length, palette.length >> 2);
  for (let i = 0; i < entries; i++) {
    const at = i * 4;
    words[i] = (palette[at]! | (palette[at + 1]! << 8) | (palette[at + 2]! << 16) | (palette[at + 3]! << 24)) >>> 0;
  }
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
  const [r, g, b, a] = [
    channelReader(masks.red, 0),
    channelReader(masks.green, 0),
    channelReader(masks.blue, 0),
    channelReader(masks.alpha, 255),
  ];
  const channel = (reader: ChannelReader, word: number): number =>
    reader.scale[(word >>> reader.shift) & (reader.scale.length - 1)]!;
  return (raw) => {
    const word = raw >>> 0;
    return (channel(r, word) | (channel(g, word) << 8) | (channel(b, word) << 16) | (channel(a, word) << 24)) >>> 0;
  };
}

/** The whole image as RGBA bytes, 4 per pixel, rows top-down. */
export function toRgba(image: NativeImage): Uint8Array {
  const { width, height, format, pixels } = image;
  const bpp = format.bitsPerPixel;
  const rgba = new Uint8Array(width * height * 4);
  const map = createRgbaMapper(format);
  // Formats of up to 16 bits have few enough values to convert each once.
  let lookup: RgbaMapper = map;
  if (bpp <= 16) {
    const table = new Uint32Array(2 ** bpp);
    for (let raw = 0; raw < table.length; raw++) table[raw] = map(raw);
    lookup = (raw) => table[raw]!;
  }
  const put = (o: number, word: number): void => {
    rgba[o] = word & 0xff;
    rgba[o + 1] = (word >>> 8) & 0xff;
    rgba[o + 2] = (word >>> 16) & 0xff;
    rgba[o + 3] = word >>> 24;
  };
  const count = width * height;
  if (bpp < 8) {
    const stride = rowBytes(width, bpp);
    const indexMask = (1 << bpp) - 1;
    for (let y = 0, o = 0; y < height; y++) {
      for (let x = 0, bit = 0; x < width; x++, bit += bpp, o += 4) {
        // Packed most significant bits first; each row starts on a byte boundary.
        const byte = pixels[y * stride + (bit >> 3)]!;
        put(o, lookup((byte >> (8 - bpp - (bit & 7))) & indexMask));
      }
    }
  } else if (bpp === 8) {
    for (let p = 0; p < count; p++) put(p * 4, lookup(pixels[p]!));
  } else if (bpp === 16) {
    for (let p = 0, i = 0; p < count; p++, i += 2) put(p * 4, lookup(pixels[i]! | (pixels[i + 1]! << 8)));
  } else if (bpp === 24) {
    for (let p = 0, i = 0; p < count; p++, i += 3) {
      const o = p * 4;
      rgba[o] = pixels[i + 2]!;
      rgba[o + 1] = pixels[i + 1]!;
      rgba[o + 2] = pixels[i]!;
      rgba[o + 3] = 255;
    }
  } else {
    for (let p = 0, i = 0; p < count; p++, i += 4) {
      put(p * 4, lookup(pixels[i]! | (pixels[i + 1]! << 8) | (pixels[i + 2]! << 16) | (pixels[i + 3]! << 24)));
    }
  }
  return rgba;
}
