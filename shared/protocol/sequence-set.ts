/**
 * A set of sequence numbers on the wire (the missing packets of a receipt, the packets the
 * sender's loss simulation dropped in a pass). Two encodings, and the encoder picks the shorter:
 *
 * - ranges (0x00): varint count, then per run `varint gap, varint length − 1`, where the gap is
 *   counted from the end of the previous run (from 0 for the first). Short when losses come in
 *   runs or are rare.
 * - bitmap (0x01): varint bit count, then ⌈count / 8⌉ bytes, sequence i = bit (i mod 8) of byte
 *   ⌊i / 8⌋. Short when losses are many and scattered; at most 128 KiB for {@link MAX_PACKET_COUNT}.
 *
 * Decoded sets are sorted, duplicate-free `Uint32Array`s.
 */
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import { MAX_PACKET_COUNT } from './limits.ts';

const RANGES = 0x00;
const BITMAP = 0x01;
/** Varints of values below {@link MAX_PACKET_COUNT} (2^20) take at most 3 bytes. */
const MAX_VARINT_BYTES = 3;

function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
}

/** Splits a sorted, duplicate-free list into runs of consecutive numbers: [start, length] pairs. */
function runsOf(sequences: ArrayLike<number>): number[] {
  const runs: number[] = [];
  for (let i = 0; i < sequences.length; ) {
    const start = sequences[i]!;
    let end = i + 1;
    while (end < sequences.length && sequences[end] === start + (end - i)) end++;
    runs.push(start, end - i);
    i = end;
  }
  return runs;
}

function checkSorted(sequences: ArrayLike<number>): void {
  for (let i = 0; i < sequences.length; i++) {
    const s = sequences[i]!;
    if (!Number.isInteger(s) || s < 0 || s >= MAX_PACKET_COUNT || (i > 0 && s <= sequences[i - 1]!)) {
      throw new ProtocolError(
        ProtocolErrorCode.INVALID_FIELD,
        `sequence set must be sorted, unique integers below ${MAX_PACKET_COUNT}; got ${s} at index ${i}`,
      );
    }
  }
}

export function writeSequenceSet(writer: ByteWriter, sequences: ArrayLike<number>): void {
  checkSorted(sequences);
  const runs = runsOf(sequences);
  let rangesSize = varintLength(runs.length / 2);
  let previousEnd = 0;
  for (let r = 0; r < runs.length; r += 2) {
    rangesSize += varintLength(runs[r]! - previousEnd) + varintLength(runs[r + 1]! - 1);
    previousEnd = runs[r]! + runs[r + 1]!;
  }
  const bitCount = sequences.length === 0 ? 0 : sequences[sequences.length - 1]! + 1;
  const bitmapSize = varintLength(bitCount) + Math.ceil(bitCount / 8);
  if (rangesSize <= bitmapSize) {
    writer.u8(RANGES).varint(runs.length / 2);
    previousEnd = 0;
    for (let r = 0; r < runs.length; r += 2) {
      writer.varint(runs[r]! - previousEnd).varint(runs[r + 1]! - 1);
      previousEnd = runs[r]! + runs[r + 1]!;
    }
  } else {
    const bitmap = new Uint8Array(Math.ceil(bitCount / 8));
    for (let i = 0; i < sequences.length; i++) bitmap[sequences[i]! >> 3]! |= 1 << (sequences[i]! & 7);
    writer.u8(BITMAP).varint(bitCount).bytes(bitmap);
  }
}

export function readSequenceSet(reader: ByteReader, field: string): Uint32Array {
  const encoding = reader.u8(`${field} encoding`);
  if (encoding === RANGES) return readRanges(reader, field);
  if (encoding === BITMAP) return readBitmap(reader, field);
  throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `${field}: unknown sequence set encoding 0x${encoding.toString(16)}`);
}

function readRanges(reader: ByteReader, field: string): Uint32Array {
  const runCount = reader.varint(`${field} run count`, MAX_VARINT_BYTES);
  // Each run takes at least two bytes: refuse a count the message cannot hold before looping on it.
  if (runCount * 2 > reader.remaining) {
    throw new ProtocolError(ProtocolErrorCode.TRUNCATED, `${field}: ${runCount} runs cannot fit in ${reader.remaining} bytes`);
  }
  const sequences: number[] = [];
  let previousEnd = 0;
  for (let r = 0; r < runCount; r++) {
    const gap = reader.varint(`${field} gap`, MAX_VARINT_BYTES);
    const length = reader.varint(`${field} run length`, MAX_VARINT_BYTES) + 1;
    // Runs after the first are separated by at least one absent number, so every set has one encoding.
    if (r > 0 && gap === 0) throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `${field}: run ${r} touches the previous one`);
    const start = previousEnd + gap;
    const end = start + length;
    if (end > MAX_PACKET_COUNT) {
      throw new ProtocolError(ProtocolErrorCode.LIMIT_EXCEEDED, `${field}: sequence ${end - 1} is not below ${MAX_PACKET_COUNT}`);
    }
    for (let s = start; s < end; s++) sequences.push(s);
    previousEnd = end;
  }
  return Uint32Array.from(sequences);
}

function readBitmap(reader: ByteReader, field: string): Uint32Array {
  const bitCount = reader.varint(`${field} bit count`, MAX_VARINT_BYTES);
  if (bitCount > MAX_PACKET_COUNT) {
    throw new ProtocolError(ProtocolErrorCode.LIMIT_EXCEEDED, `${field}: bitmap of ${bitCount} bits exceeds ${MAX_PACKET_COUNT}`);
  }
  const bitmap = reader.bytesView(Math.ceil(bitCount / 8), `${field} bitmap`);
  if (bitCount % 8 !== 0 && bitmap[bitmap.length - 1]! >> bitCount % 8 !== 0) {
    throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `${field}: bits set past the bitmap's ${bitCount} bits`);
  }
  const sequences: number[] = [];
  for (let byte = 0; byte < bitmap.length; byte++) {
    const bits = bitmap[byte]!;
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) sequences.push(byte * 8 + bit);
  }
  return Uint32Array.from(sequences);
}

/** Encodes a set on its own; used by tests and the protocol document's examples. */
export function encodeSequenceSet(sequences: ArrayLike<number>): Uint8Array {
  const writer = new ByteWriter();
  writeSequenceSet(writer, sequences);
  return writer.finish();
}

export function decodeSequenceSet(bytes: Uint8Array): Uint32Array {
  const reader = new ByteReader(bytes, 'sequence set');
  const set = readSequenceSet(reader, 'sequence set');
  reader.end();
  return set;
}
