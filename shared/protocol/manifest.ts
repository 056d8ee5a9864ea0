/**
 * Manifest: everything a receiver needs to place any data packet of a transfer, sent over the
 * reliable control channel before the first data packet. Layout (little-endian):
 *
 *   u8 version, u8 type (0x01), u32 transfer id,
 *   u32 width, u32 height,
 *   u8 format kind (1 indexed, 2 masked, 3 bgr), u8 bits per pixel,
 *     indexed: u16 palette entries n, n × 4 bytes RGBA
 *     masked:  u32 red mask, u32 green mask, u32 blue mask, u32 alpha mask
 *     bgr:     nothing
 *   u16 payload bytes, u32 packet count,
 *   u8 scan order (0 rows, 1 interlaced, 2 scattered),
 *     scattered only: u32 band rows, u32 stride, u32 last band's stride,
 *   u32 CRC-32 of the native pixel data, u8 repair rounds (0 = repair off),
 *   u16 file name length, UTF-8 file name.
 *
 * Decoding enforces the receiver's limits on pixels and packets, so nothing is allocated for a
 * manifest it would refuse.
 */
import { maskProblem } from '../pixels/channel-mask.ts';
import type { BitsPerPixel, PixelFormat } from '../pixels/pixel-format.ts';
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import {
  DEFAULT_MANIFEST_LIMITS,
  MAX_FILE_NAME_BYTES,
  MAX_PACKET_COUNT,
  MAX_PAYLOAD_BYTES,
  MAX_REPAIR_ROUNDS,
  MIN_PAYLOAD_BYTES,
  type ManifestLimits,
} from './limits.ts';
import { MessageType, expectType, readHeader, writeHeader } from './message-type.ts';

export type ScanOrder =
  /** Raster order, top to bottom: what the classic demo does. */
  | { readonly kind: 'rows' }
  /** Adam7 passes: a coarse picture of the whole image after 1/64 of the pixels. */
  | { readonly kind: 'interlaced' }
  /**
   * The image is cut into bands of `bandRows` rows (the last may be shorter), sent one after
   * the other; within a band of P pixels, the band's send-order pixel j lands at the band's
   * raster pixel (j × stride) mod P. `stride` is for full bands, `lastStride` for the last band;
   * each is coprime with its band's pixel count. Bands keep a packet's pixels within reach of
   * the CPU caches; the stride spreads them so that a lost packet leaves isolated holes.
   */
  | { readonly kind: 'scattered'; readonly bandRows: number; readonly stride: number; readonly lastStride: number };

export type ScanOrderKind = ScanOrder['kind'];

export interface Manifest {
  /** Chosen by the sender, unique among its own transfers in this session. */
  readonly transferId: number;
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
  /** Largest payload of a data packet; every packet but the last carries exactly this many bytes. */
  readonly payloadBytes: number;
  readonly packetCount: number;
  readonly scanOrder: ScanOrder;
  /** CRC-32 of the native pixels (rows top-down, unpadded) that the receiver checks at the end. */
  readonly crc32: number;
  /** Most repair rounds after the first pass; 0 means repair is off. */
  readonly repairRounds: number;
}

const FORMAT_KIND = { indexed: 1, masked: 2, bgr: 3 } as const;
const SCAN_ORDER = { rows: 0, interlaced: 1, scattered: 2 } as const;

/** Pixels per full packet: as many whole pixels as the payload holds, packed with no gaps. */
export function pixelsPerPacket(payloadBytes: number, bitsPerPixel: BitsPerPixel): number {
  return Math.floor((payloadBytes * 8) / bitsPerPixel);
}

export function packetCountFor(width: number, height: number, payloadBytes: number, bitsPerPixel: BitsPerPixel): number {
  return Math.ceil((width * height) / pixelsPerPacket(payloadBytes, bitsPerPixel));
}

function invalid(message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `manifest: ${message}`);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Why the manifest is inconsistent, or undefined. Shared by the encoder (a bug) and decoder (a bad peer). */
function manifestProblem(m: Manifest): string | undefined {
  const u32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (!u32(m.transferId)) return `transfer id ${m.transferId} is not a u32`;
  if (!u32(m.width) || !u32(m.height) || m.width === 0 || m.height === 0) return `size ${m.width}×${m.height}`;
  if (!u32(m.crc32)) return `CRC ${m.crc32} is not a u32`;
  const f = m.format;
  if (f.kind === 'indexed') {
    if (![1, 2, 4, 8].includes(f.bitsPerPixel)) return `indexed format with ${f.bitsPerPixel} bits per pixel`;
    const entries = f.palette.length / 4;
    if (!Number.isInteger(entries) || entries < 1 || entries > 2 ** f.bitsPerPixel) {
      return `palette of ${f.palette.length} bytes for ${f.bitsPerPixel} bits per pixel`;
    }
  } else if (f.kind === 'masked') {
    if (f.bitsPerPixel !== 16 && f.bitsPerPixel !== 32) return `masked format with ${f.bitsPerPixel} bits per pixel`;
    const problem = maskProblem(f.masks, f.bitsPerPixel);
    if (problem) return problem;
  } else if (f.kind !== 'bgr' || f.bitsPerPixel !== 24) {
    return `unknown pixel format`;
  }
  if (!Number.isInteger(m.payloadBytes) || m.payloadBytes < MIN_PAYLOAD_BYTES || m.payloadBytes > MAX_PAYLOAD_BYTES) {
    return `payload of ${m.payloadBytes} bytes is outside ${MIN_PAYLOAD_BYTES}–${MAX_PAYLOAD_BYTES}`;
  }
  const expected = packetCountFor(m.width, m.height, m.payloadBytes, f.bitsPerPixel);
  if (m.packetCount !== expected) return `packet count ${m.packetCount}, the size and payload give ${expected}`;
  if (!Number.isInteger(m.repairRounds) || m.repairRounds < 0 || m.repairRounds > MAX_REPAIR_ROUNDS) {
    return `${m.repairRounds} repair rounds`;
  }
  if (m.scanOrder.kind === 'scattered') {
    const { bandRows, stride, lastStride } = m.scanOrder;
    if (!Number.isInteger(bandRows) || bandRows < 1 || bandRows > m.height) return `scattered band of ${bandRows} rows`;
    const lastRows = m.height - Math.floor((m.height - 1) / bandRows) * bandRows;
    for (const [name, value, pixels] of [
      ['stride', stride, bandRows * m.width],
      ['last band stride', lastStride, lastRows * m.width],
    ] as const) {
      // A stride sharing a factor with the band's pixel count would send some pixels twice and others never.
      if (!Number.isInteger(value) || value < 0 || value >= Math.max(pixels, 1) || gcd(value, pixels) !== 1) {
        return `scattered ${name} ${value} is not coprime with the band's ${pixels} pixels`;
      }
    }
  } else if (m.scanOrder.kind !== 'rows' && m.scanOrder.kind !== 'interlaced') {
    return `unknown scan order`;
  }
  return undefined;
}

export function encodeManifest(m: Manifest): Uint8Array {
  const problem = manifestProblem(m);
  if (problem) throw invalid(problem);
  const name = new TextEncoder().encode(m.fileName);
  if (name.length > MAX_FILE_NAME_BYTES) throw invalid(`file name of ${name.length} bytes exceeds ${MAX_FILE_NAME_BYTES}`);
  const w = writeHeader(new ByteWriter(), MessageType.MANIFEST);
  w.u32(m.transferId).u32(m.width).u32(m.height);
  const f = m.format;
  w.u8(FORMAT_KIND[f.kind]).u8(f.bitsPerPixel);
  if (f.kind === 'indexed') w.u16(f.palette.length / 4).bytes(f.palette);
  else if (f.kind === 'masked') w.u32(f.masks.red).u32(f.masks.green).u32(f.masks.blue).u32(f.masks.alpha);
  w.u16(m.payloadBytes).u32(m.packetCount);
  w.u8(SCAN_ORDER[m.scanOrder.kind]);
  if (m.scanOrder.kind === 'scattered') w.u32(m.scanOrder.bandRows).u32(m.scanOrder.stride).u32(m.scanOrder.lastStride);
  w.u32(m.crc32).u8(m.repairRounds);
  w.u16(name.length).bytes(name);
  return w.finish();
}

function readFormat(r: ByteReader): PixelFormat {
  const kind = r.u8('format kind');
  const bits = r.u8('bits per pixel');
  if (kind === FORMAT_KIND.indexed) {
    if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) throw invalid(`indexed format with ${bits} bits per pixel`);
    const entries = r.u16('palette entries');
    // Copy: the palette outlives the received message, whose buffer the channel may reuse.
    return { kind: 'indexed', bitsPerPixel: bits, palette: r.bytesView(entries * 4, 'palette').slice() };
  }
  if (kind === FORMAT_KIND.masked) {
    if (bits !== 16 && bits !== 32) throw invalid(`masked format with ${bits} bits per pixel`);
    const masks = { red: r.u32('red mask'), green: r.u32('green mask'), blue: r.u32('blue mask'), alpha: r.u32('alpha mask') };
    return { kind: 'masked', bitsPerPixel: bits, masks };
  }
  if (kind === FORMAT_KIND.bgr) {
    if (bits !== 24) throw invalid(`bgr format with ${bits} bits per pixel`);
    return { kind: 'bgr', bitsPerPixel: 24 };
  }
  throw invalid(`unknown format kind ${kind}`);
}

function readScanOrder(r: ByteReader): ScanOrder {
  const order = r.u8('scan order');
  if (order === SCAN_ORDER.rows) return { kind: 'rows' };
  if (order === SCAN_ORDER.interlaced) return { kind: 'interlaced' };
  if (order === SCAN_ORDER.scattered) {
    return { kind: 'scattered', bandRows: r.u32('band rows'), stride: r.u32('stride'), lastStride: r.u32('last band stride') };
  }
  throw invalid(`unknown scan order ${order}`);
}

export function decodeManifest(bytes: Uint8Array, limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS): Manifest {
  const r = new ByteReader(bytes, 'manifest');
  expectType(readHeader(r), MessageType.MANIFEST);
  const transferId = r.u32('transfer id');
  const width = r.u32('width');
  const height = r.u32('height');
  if (width * height > limits.maxPixels) {
    throw new ProtocolError(
      ProtocolErrorCode.LIMIT_EXCEEDED,
      `manifest: ${width}×${height} exceeds the limit of ${limits.maxPixels} pixels`,
    );
  }
  const format = readFormat(r);
  const payloadBytes = r.u16('payload bytes');
  const packetCount = r.u32('packet count');
  if (packetCount > Math.min(limits.maxPackets, MAX_PACKET_COUNT)) {
    throw new ProtocolError(
      ProtocolErrorCode.LIMIT_EXCEEDED,
      `manifest: ${packetCount} packets exceed the limit of ${Math.min(limits.maxPackets, MAX_PACKET_COUNT)}`,
    );
  }
  const scanOrder = readScanOrder(r);
  const crc32 = r.u32('CRC-32');
  const repairRounds = r.u8('repair rounds');
  const nameLength = r.u16('file name length');
  if (nameLength > MAX_FILE_NAME_BYTES) throw invalid(`file name of ${nameLength} bytes exceeds ${MAX_FILE_NAME_BYTES}`);
  let fileName: string;
  try {
    fileName = new TextDecoder('utf-8', { fatal: true }).decode(r.bytesView(nameLength, 'file name'));
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, 'manifest: file name is not valid UTF-8', { cause: error });
  }
  r.end();
  const manifest: Manifest = {
    transferId,
    fileName,
    width,
    height,
    format,
    payloadBytes,
    packetCount,
    scanOrder,
    crc32,
    repairRounds,
  };
  const problem = manifestProblem(manifest);
  if (problem) throw invalid(problem);
  return manifest;
}
