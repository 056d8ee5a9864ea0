/** What a BMP file holds, for the details panel: the reader's header facts, named for people. */
import { Compression, type BmpFile } from '../../../shared/bmp/index.ts';

export interface BmpFacts {
  width: number;
  height: number;
  bitsPerPixel: number;
  /** Header size in bytes, which names the header variant (40 = BITMAPINFOHEADER, 124 = V5…). */
  headerSize: number;
  compression: string;
  /** Palette entries, 0 for formats without one. */
  paletteEntries: number;
  /** Stored row length: unpadded bytes plus padding to a multiple of 4; null when compressed. */
  stride: { unpadded: number; padded: number } | null;
  dataOffset: number;
  topDown: boolean;
  fileBytes: number;
  /** Bytes from the data offset to the end of the file. */
  storedPixelBytes: number;
  /** A compressed stream that stopped early: the rows it never reached are transparent. */
  partial: boolean;
}

const COMPRESSION_NAMES: Record<number, string> = {
  [Compression.RGB]: 'none (BI_RGB)',
  [Compression.RLE8]: 'RLE8',
  [Compression.RLE4]: 'RLE4',
  [Compression.BITFIELDS]: 'bit fields (BI_BITFIELDS)',
  [Compression.ALPHABITFIELDS]: 'bit fields with alpha (BI_ALPHABITFIELDS)',
};

export function bmpFacts(file: BmpFile, fileBytes: number): BmpFacts {
  const h = file.header;
  return {
    width: h.width,
    height: h.height,
    bitsPerPixel: h.bitsPerPixel,
    headerSize: h.headerSize,
    compression: compressionName(file),
    paletteEntries: h.palette ? h.palette.length / 4 : 0,
    stride: h.stride,
    dataOffset: h.dataOffset,
    topDown: h.topDown,
    fileBytes,
    storedPixelBytes: fileBytes - h.dataOffset,
    partial: file.partial,
  };
}

/** OS/2 2.x reuses biCompression 3 and 4 for other schemes; the reader's storage says which. */
function compressionName({ header }: BmpFile): string {
  if (header.storage === 'huffman1d') return 'Huffman 1D (OS/2)';
  if (header.storage === 'rle24') return 'RLE24 (OS/2)';
  return COMPRESSION_NAMES[header.compression] ?? `code ${header.compression}`;
}
