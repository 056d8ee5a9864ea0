/**
 * OS/2 2.x "Huffman 1D" compression (biCompression 3 in an OS/2 2.x header, 1 bit per pixel):
 * CCITT Group 3 one-dimensional coding, i.e. the modified Huffman code of ITU-T T.4 §4.1.
 * Each row is a sequence of run lengths, alternating white and black and starting with white
 * (a row that starts black begins with a white run of 0). A run is zero or more make-up codes
 * (multiples of 64) and one terminating code (0–63). Rows may be preceded by an EOL code
 * (eleven 0 bits then a 1, after any number of 0 fill bits). Bits are read most significant
 * first (BMP Suite's pal1huffmsb). Rows are stored bottom-up like uncompressed rows.
 *
 * White is palette index 0 and black index 1: T.4 runs name colours, and OS/2 puts white first
 * in the palette of such files (BMP Suite's pal1huffmsb: entry 0 is white).
 */
import { rowBytes } from '../pixels/pixel-format.ts';
import { BmpError, BmpErrorCode } from './errors.ts';

/** T.4 Table 2: terminating codes for runs 0 to 63. */
const WHITE_TERMINATING =
  '00110101 000111 0111 1000 1011 1100 1110 1111 10011 10100 00111 01000 001000 000011 110100 110101 ' +
  '101010 101011 0100111 0001100 0001000 0010111 0000011 0000100 0101000 0101011 0010011 0100100 0011000 ' +
  '00000010 00000011 00011010 00011011 00010010 00010011 00010100 00010101 00010110 00010111 00101000 ' +
  '00101001 00101010 00101011 00101100 00101101 00000100 00000101 00001010 00001011 01010010 01010011 ' +
  '01010100 01010101 00100100 00100101 01011000 01011001 01011010 01011011 01001010 01001011 00110010 ' +
  '00110011 00110100';
const BLACK_TERMINATING =
  '0000110111 010 11 10 011 0011 0010 00011 000101 000100 0000100 0000101 0000111 00000100 00000111 ' +
  '000011000 0000010111 0000011000 0000001000 00001100111 00001101000 00001101100 00000110111 00000101000 ' +
  '00000010111 00000011000 000011001010 000011001011 000011001100 000011001101 000001101000 000001101001 ' +
  '000001101010 000001101011 000011010010 000011010011 000011010100 000011010101 000011010110 000011010111 ' +
  '000001101100 000001101101 000011011010 000011011011 000001010100 000001010101 000001010110 000001010111 ' +
  '000001100100 000001100101 000001010010 000001010011 000000100100 000000110111 000000111000 000000100111 ' +
  '000000101000 000001011000 000001011001 000000101011 000000101100 000001011010 000001100110 000001100111';
/** T.4 Table 3a: make-up codes for runs 64 to 1728, in steps of 64. */
const WHITE_MAKEUP =
  '11011 10010 010111 0110111 00110110 00110111 01100100 01100101 01101000 01100111 011001100 011001101 ' +
  '011010010 011010011 011010100 011010101 011010110 011010111 011011000 011011001 011011010 011011011 ' +
  '010011000 010011001 010011010 011000 010011011';
const BLACK_MAKEUP =
  '0000001111 000011001000 000011001001 000001011011 000000110011 000000110100 000000110101 0000001101100 ' +
  '0000001101101 0000001001010 0000001001011 0000001001100 0000001001101 0000001110010 0000001110011 ' +
  '0000001110100 0000001110101 0000001110110 0000001110111 0000001010010 0000001010011 0000001010100 ' +
  '0000001010101 0000001011010 0000001011011 0000001100100 0000001100101';
/** T.4 Table 3b: make-up codes for runs 1792 to 2560, shared by both colours. */
const EXTENDED_MAKEUP =
  '00000001000 00000001100 00000001101 000000010010 000000010011 000000010100 000000010101 000000010110 ' +
  '000000010111 000000011100 000000011101 000000011110 000000011111';

/**
 * Code → run length, the code keyed as (1 << length) | bits so that codes of different lengths
 * with equal bits stay apart.
 */
function codeTable(terminating: string, makeup: string): Map<number, number> {
  const table = new Map<number, number>();
  const add = (codes: string, first: number, step: number): void => {
    codes.split(' ').forEach((code, n) => table.set((1 << code.length) | parseInt(code, 2), first + n * step));
  };
  add(terminating, 0, 1);
  add(makeup, 64, 64);
  add(EXTENDED_MAKEUP, 1792, 64);
  return table;
}

const WHITE = codeTable(WHITE_TERMINATING, WHITE_MAKEUP);
const BLACK = codeTable(BLACK_TERMINATING, BLACK_MAKEUP);
/** The longest code is 13 bits. */
const MAX_CODE_BITS = 13;
/** EOL is 000000000001; eleven zeros cannot start any run code. */
const EOL_ZEROS = 11;

/**
 * Decodes `height` rows of `width` pixels into top-down, unpadded 1-bit rows. `data` is the file
 * from the pixel data offset on; `dataOffset` only names positions in error messages.
 */
export function expandHuffman1d(data: Uint8Array, dataOffset: number, width: number, height: number): Uint8Array {
  const stride = rowBytes(width, 1);
  const out = new Uint8Array(stride * height);
  const totalBits = data.byteLength * 8;
  let bit = 0;
  const peek = (at: number): number => (data[at >> 3]! >> (7 - (at & 7))) & 1;
  const fail = (code: BmpErrorCode, what: string): never => {
    throw new BmpError(code, `Huffman 1D ${what}`, dataOffset + (bit >> 3));
  };

  const readRun = (table: Map<number, number>, colour: string): number => {
    let total = 0;
    for (;;) {
      let code = 1;
      let run: number | undefined;
      for (let length = 0; run === undefined; length++) {
        if (length === MAX_CODE_BITS) fail(BmpErrorCode.BAD_HUFFMAN, `data holds no ${colour} run code`);
        if (bit >= totalBits) fail(BmpErrorCode.TRUNCATED, 'data ends inside a row');
        code = (code << 1) | peek(bit++);
        run = table.get(code);
      }
      total += run;
      if (run < 64) return total;
    }
  };

  for (let row = 0; row < height; row++) {
    // Skip an EOL (with any fill zeros before it) at the start of the row.
    let zeros = 0;
    while (bit + zeros < totalBits && peek(bit + zeros) === 0) zeros++;
    if (zeros >= EOL_ZEROS && bit + zeros < totalBits) bit += zeros + 1;
    const rowStart = (height - 1 - row) * stride;
    let x = 0;
    for (let black = false; x < width; black = !black) {
      const run = readRun(black ? BLACK : WHITE, black ? 'black' : 'white');
      if (x + run > width) fail(BmpErrorCode.BAD_HUFFMAN, `run of ${run} pixels past the right edge of a ${width}-pixel row`);
      if (black) for (let k = x; k < x + run; k++) out[rowStart + (k >> 3)]! |= 0x80 >> (k & 7);
      x += run;
    }
  }
  return out;
}
