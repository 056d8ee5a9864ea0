/** What a BMP file holds, for the details panel: header facts next to the decoded image. */
import { Compression, FILE_HEADER_SIZE, type BmpLayout } from '../../../shared/bmp/headers.ts';
import { rowBytes } from '../../../shared/pixels/pixel-format.ts';

export interface BmpFacts {
  width: number;
  height: number;
  bitsPerPixel: number;
  /** Header size in bytes, which names the header variant (40 = BITMAPINFOHEADER, 124 = V5…). */
  headerSize: number;
  compression: string;
  /** Palette entries, 0 for formats without one. */
  paletteEntries: number;
  /** Stored row length: unpadded bytes plus padding to a multiple of 4; null for RLE. */
  stride: { unpadded: number; padded: number } | null;
  dataOffset: number;
  topDown: boolean;
  fileBytes: number;
  /** Bytes from the data offset to the end of the file. */
  storedPixelBytes: number;
}

const COMPRESSION_NAMES: Record<number, string> = {
  [Compression.RGB]: 'none (BI_RGB)',
  [Compression.RLE8]: 'RLE8',
  [Compression.RLE4]: 'RLE4',
  [Compression.BITFIELDS]: 'bit fields (BI_BITFIELDS)',
  [Compression.ALPHABITFIELDS]: 'bit fields with alpha (BI_ALPHABITFIELDS)',
};

export function bmpFacts(bytes: Uint8Array, layout: BmpLayout): BmpFacts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(FILE_HEADER_SIZE, true);
  // biCompression is at offset 16 of every header but the 12-byte OS/2 core one (readLayout checked the bounds).
  const compressionCode = headerSize >= 20 ? view.getUint32(FILE_HEADER_SIZE + 16, true) : Compression.RGB;
  const bitsPerPixel = layout.format.bitsPerPixel;
  const unpadded = rowBytes(layout.width, bitsPerPixel);
  return {
    width: layout.width,
    height: layout.height,
    bitsPerPixel,
    headerSize,
    compression: COMPRESSION_NAMES[compressionCode] ?? `code ${compressionCode}`,
    paletteEntries: layout.format.kind === 'indexed' ? layout.format.palette.length / 4 : 0,
    stride: layout.storage === 'rows' ? { unpadded, padded: Math.ceil(unpadded / 4) * 4 } : null,
    dataOffset: layout.pixelOffset,
    topDown: layout.topDown,
    fileBytes: bytes.byteLength,
    storedPixelBytes: bytes.byteLength - layout.pixelOffset,
  };
}
