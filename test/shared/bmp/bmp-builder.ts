/**
 * Test helper: writes BMP files field by field, independently of the codec's encoder, so that
 * decoder tests can state exactly which bytes they feed in (including wrong ones).
 */

export interface BmpFields {
  /** 12 writes an OS/2 BITMAPCOREHEADER; 40 or more a Windows-style header of that length. */
  readonly headerSize?: number;
  readonly width: number;
  /** Negative for top-down rows. */
  readonly height: number;
  readonly bitsPerPixel: number;
  readonly compression?: number;
  readonly planes?: number;
  readonly colorsUsed?: number;
  /** Written into the header (52+ bytes) or after a 40-byte header, as the header size dictates. */
  readonly masks?: readonly number[];
  /** Palette entries as [r, g, b]; stored as 3 bytes (OS/2) or 4 bytes each. */
  readonly palette?: readonly (readonly [number, number, number])[];
  /** Where `data` is written, and the value of bfOffBits. Defaults to right after the palette. */
  readonly pixelOffset?: number;
  /** Pixel data exactly as stored (rows padded and bottom-up, or an RLE stream). */
  readonly data: readonly number[] | Uint8Array;
}

export function buildBmp(fields: BmpFields): Uint8Array {
  const headerSize = fields.headerSize ?? 40;
  const core = headerSize === 12;
  const masks = fields.masks ?? [];
  const masksAfterHeader = headerSize === 40 ? masks.length * 4 : 0;
  const palette = fields.palette ?? [];
  const entrySize = core ? 3 : 4;
  const paletteStart = 14 + headerSize + masksAfterHeader;
  const pixelOffset = fields.pixelOffset ?? paletteStart + palette.length * entrySize;
  const data = Uint8Array.from(fields.data);
  const bytes = new Uint8Array(Math.max(pixelOffset + data.length, paletteStart + palette.length * entrySize));
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42; // 'B'
  bytes[1] = 0x4d; // 'M'
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, pixelOffset, true);
  view.setUint32(14, headerSize, true);
  if (core) {
    view.setUint16(18, fields.width, true);
    view.setUint16(20, fields.height, true);
    view.setUint16(22, fields.planes ?? 1, true);
    view.setUint16(24, fields.bitsPerPixel, true);
  } else {
    view.setInt32(18, fields.width, true);
    view.setInt32(22, fields.height, true);
    view.setUint16(26, fields.planes ?? 1, true);
    view.setUint16(28, fields.bitsPerPixel, true);
    view.setUint32(30, fields.compression ?? 0, true);
    view.setUint32(46, fields.colorsUsed ?? palette.length, true);
    // Masks sit at offset 54 either way: right after a 40-byte header, or inside a longer one.
    masks.forEach((mask, i) => view.setUint32(54 + i * 4, mask, true));
  }
  palette.forEach(([r, g, b], i) => {
    const at = paletteStart + i * entrySize;
    bytes[at] = b;
    bytes[at + 1] = g;
    bytes[at + 2] = r;
  });
  bytes.set(data, pixelOffset);
  return bytes;
}

/**
 * Turns ASCII art into palette indices: each character is one pixel, '.' is 0 and digits are
 * themselves; rows are listed top-down, as they look.
 */
export function art(...rows: string[]): number[][] {
  return rows.map((row) => [...row].map((ch) => (ch === '.' ? 0 : Number.parseInt(ch, 16))));
}

/** Packs rows of indices MSB first, `bitsPerPixel` each, with no padding: NativeImage layout. */
export function packRows(rows: number[][], bitsPerPixel: number): number[] {
  return rows.flatMap((row) => packRow(row, bitsPerPixel));
}

/** Packs rows as a BMP stores them: bottom row first, each padded to a multiple of 4 bytes. */
export function storeRows(rows: number[][], bitsPerPixel: number): number[] {
  return [...rows].reverse().flatMap((row) => {
    const packed = packRow(row, bitsPerPixel);
    return [...packed, ...new Array<number>((4 - (packed.length % 4)) % 4).fill(0)];
  });
}

function packRow(row: number[], bitsPerPixel: number): number[] {
  const bytes = new Array<number>(Math.ceil((row.length * bitsPerPixel) / 8)).fill(0);
  row.forEach((index, x) => {
    const bit = x * bitsPerPixel;
    bytes[bit >> 3]! |= index << (8 - bitsPerPixel - (bit & 7));
  });
  return bytes;
}
