/**
 * Lossless coding of one packet's pixels, so that a packet costs fewer bytes on the wire where
 * bytes are what a path lacks. Each packet is coded on its own (no state across packets), so a
 * coded packet stays independently placeable: its pixels follow from its bytes, the manifest and
 * its sequence number alone.
 *
 * The payload is read as pixels of `lanes` bytes each (the format's bytes per pixel). Every byte
 * is predicted by the same lane of the pixel before it in the payload (0 for the first pixel)
 * and the difference, modulo 256, is what is coded. With 3 or 4 lanes (24- and 32-bit BGR[A]),
 * lanes 0 and 2 code their difference minus lane 1's, as JPEG-LS and WebP lossless take green
 * from red and blue: in photos the three channels change together. Each difference, read as a
 * signed byte, is zigzag-mapped (0, −1, 1, −2 … → 0, 1, 2, 3 …) and written as a Rice code with
 * a parameter k per lane: q = v >> k in unary (q one-bits, then a zero), then v's k low bits.
 * A value with q of 15 or more is written as 15 one-bits and then its 8 bits (an escape, as
 * JPEG-LS limits its code length), so no code is longer than 23 bits and a noisy byte costs at
 * most 23.
 *
 * Layout: ⌈lanes / 2⌉ bytes of k values, 4 bits each, lane 0 in the first byte's high nibble;
 * then the codes, pixel by pixel, lane by lane, most significant bit first, and zero bits to the
 * end of the last byte.
 */
import { ProtocolError, ProtocolErrorCode } from './errors.ts';

const ESCAPE_ONES = 15;
const MAX_K = 7;
const MAX_PAYLOAD_LANES = 8;

/** True when the pixels of `bitsPerPixel` can be coded: whole bytes, 1 to 8 of them. */
export function riceCodable(bitsPerPixel: number): boolean {
  return bitsPerPixel % 8 === 0 && bitsPerPixel >= 8 && bitsPerPixel <= 8 * MAX_PAYLOAD_LANES;
}

/** The differences of the layout above, zigzag-mapped, into `out` (as long as `raw`). */
function residuals(raw: Uint8Array, lanes: number, out: Uint8Array): void {
  const fromGreen = lanes === 3 || lanes === 4;
  for (let i = 0; i < raw.length; i += lanes) {
    const previous = i - lanes;
    const green = (raw[i + 1]! - (previous >= 0 ? raw[previous + 1]! : 0)) & 0xff;
    for (let lane = 0; lane < lanes; lane++) {
      let d = (raw[i + lane]! - (previous >= 0 ? raw[previous + lane]! : 0)) & 0xff;
      if (fromGreen && (lane === 0 || lane === 2)) d = (d - green) & 0xff;
      out[i + lane] = d < 128 ? d << 1 : ((256 - d) << 1) - 1;
    }
  }
}

/**
 * Codes `raw` (whole pixels of `lanes` bytes) into `out`; returns the coded length, or 0 when
 * coding would not make the payload shorter than `raw` (send it uncoded then). `scratch` must be
 * at least as long as `raw`.
 */
export function encodeRicePayload(raw: Uint8Array, lanes: number, out: Uint8Array, scratch: Uint8Array): number {
  if (lanes < 1 || lanes > MAX_PAYLOAD_LANES || raw.length === 0 || raw.length % lanes !== 0) {
    throw new RangeError(`cannot code ${raw.length} bytes as pixels of ${lanes} bytes`);
  }
  const values = scratch.subarray(0, raw.length);
  residuals(raw, lanes, values);
  const pixels = raw.length / lanes;
  const ks: number[] = [];
  for (let lane = 0; lane < lanes; lane++) {
    let sum = 0;
    for (let i = lane; i < values.length; i += lanes) sum += values[i]!;
    // The smallest k with pixels · 2^k ≥ the sum of the values: JPEG-LS's choice of k from a mean.
    let k = 0;
    while (k < MAX_K && pixels * 2 ** k < sum) k++;
    ks.push(k);
  }
  const limit = Math.min(out.length, raw.length - 1);
  const headerBytes = Math.ceil(lanes / 2);
  if (headerBytes > limit) return 0;
  for (let lane = 0; lane < lanes; lane += 2) out[lane >> 1] = (ks[lane]! << 4) | (ks[lane + 1] ?? 0);
  let at = headerBytes;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < values.length; i += lanes) {
    for (let lane = 0; lane < lanes; lane++) {
      const v = values[i + lane]!;
      const k = ks[lane]!;
      const q = v >> k;
      if (q < ESCAPE_ONES) {
        // q ones, a zero, then k low bits.
        acc = (acc << (q + 1 + k)) | ((((1 << q) - 1) << 1) << k) | (v & ((1 << k) - 1));
        bits += q + 1 + k;
      } else {
        acc = (acc << (ESCAPE_ONES + 8)) | (((1 << ESCAPE_ONES) - 1) << 8) | v;
        bits += ESCAPE_ONES + 8;
      }
      while (bits >= 8) {
        if (at >= limit) return 0;
        bits -= 8;
        out[at++] = (acc >>> bits) & 0xff;
      }
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) {
    if (at >= limit) return 0;
    out[at++] = (acc << (8 - bits)) & 0xff;
  }
  return at;
}

/**
 * Decodes a coded payload into `out`, whose length says how many bytes of pixels it holds.
 * Throws a {@link ProtocolError} on anything a coder could not have written: a code past the
 * end, a value over 255, bytes left over after the last code.
 */
export function decodeRicePayload(coded: Uint8Array, lanes: number, out: Uint8Array): void {
  if (lanes < 1 || lanes > MAX_PAYLOAD_LANES || out.length % lanes !== 0) {
    throw new RangeError(`cannot decode ${out.length} bytes as pixels of ${lanes} bytes`);
  }
  const headerBytes = Math.ceil(lanes / 2);
  if (coded.length < headerBytes) {
    throw new ProtocolError(ProtocolErrorCode.TRUNCATED, `coded payload of ${coded.length} bytes has no room for its ${lanes} parameters`);
  }
  const ks: number[] = [];
  for (let lane = 0; lane < lanes; lane++) {
    const k = lane % 2 === 0 ? coded[lane >> 1]! >> 4 : coded[lane >> 1]! & 0x0f;
    if (k > MAX_K) throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `Rice parameter ${k} of lane ${lane} is over ${MAX_K}`);
    ks.push(k);
  }
  let at = headerBytes;
  let acc = 0;
  let bits = 0;
  const truncated = (): ProtocolError =>
    new ProtocolError(ProtocolErrorCode.TRUNCATED, `coded payload of ${coded.length} bytes ends before its ${out.length} bytes of pixels`);
  for (let i = 0; i < out.length; i += lanes) {
    for (let lane = 0; lane < lanes; lane++) {
      // Up to 23 bits make one code: keep at least that many at hand (24 + 7 < 32).
      while (bits <= 23 && at < coded.length) {
        acc = ((acc << 8) | coded[at++]!) & 0x7fffffff;
        bits += 8;
      }
      const k = ks[lane]!;
      // The unary part: the leading one-bits of what is at hand (the bits past it read as zeros).
      const q = bits === 0 ? 0 : Math.min(ESCAPE_ONES, bits, Math.clz32(~(acc << (32 - bits))));
      let v: number;
      if (q === ESCAPE_ONES) {
        if (bits < ESCAPE_ONES + 8) throw truncated();
        bits -= ESCAPE_ONES + 8;
        v = (acc >>> bits) & 0xff;
      } else {
        if (bits < q + 1 + k) throw truncated();
        bits -= q + 1 + k;
        v = (q << k) | ((acc >>> bits) & ((1 << k) - 1));
        if (v > 0xff) throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `coded value ${v} at byte ${i + lane} is over 255`);
      }
      out[i + lane] = v;
    }
  }
  if (at < coded.length || (acc & ((1 << bits) - 1)) !== 0 || bits >= 8) {
    throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `coded payload has bytes or bits left after its ${out.length} bytes of pixels`);
  }
  restore(out, lanes);
}

/** Undoes {@link residuals} in place. */
function restore(bytes: Uint8Array, lanes: number): void {
  const fromGreen = lanes === 3 || lanes === 4;
  for (let i = 0; i < bytes.length; i += lanes) {
    const previous = i - lanes;
    const greenCode = bytes[i + 1]!;
    const green = greenCode & 1 ? 256 - ((greenCode + 1) >> 1) : greenCode >> 1;
    for (let lane = 0; lane < lanes; lane++) {
      const z = bytes[i + lane]!;
      let d = z & 1 ? 256 - ((z + 1) >> 1) : z >> 1;
      if (fromGreen && (lane === 0 || lane === 2)) d += green;
      bytes[i + lane] = (d + (previous >= 0 ? bytes[previous + lane]! : 0)) & 0xff;
    }
  }
}
