/**
 * Control messages travel over the reliable channel, so none of them is ever resent; progress
 * alone goes on the packet channel, where the next report stands in for a lost one.
 * Layouts (little-endian; "set" is a sequence set, see sequence-set.ts):
 *
 *   end-of-pass 0x03  sender → receiver  u32 transfer id, u8 round, u32 packets sent, set simulated drops
 *   receipt     0x04  receiver → sender  u32 transfer id, u8 round, u32 packets received, set missing
 *   complete    0x05  receiver → sender  u32 transfer id, u8 verdict, u8 rounds, u32 received,
 *                                        u32 lost by simulation, u32 lost by the network
 *   cancel      0x06  either way         u32 transfer id, u8 origin (0 sender, 1 receiver), u8 reason
 *   progress    0x07  receiver → sender  u32 transfer id, u8 round, u32 reach
 *
 * A pass is round 0 (every packet) or a repair round r ≥ 1 (the missing packets of receipt r − 1).
 */
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import { MAX_PACKET_COUNT, type ManifestLimits } from './limits.ts';
import { decodeManifest, type Manifest } from './manifest.ts';
import { MessageType, readHeader, writeHeader } from './message-type.ts';
import { readSequenceSet, writeSequenceSet } from './sequence-set.ts';

export interface EndOfPass {
  readonly type: 'end-of-pass';
  readonly transferId: number;
  readonly round: number;
  /** Packets of this pass, including those the loss simulation dropped. */
  readonly sent: number;
  /** Sequences this pass's loss simulation dropped before the channel: the receiver splits its losses with them. */
  readonly simulatedDrops: Uint32Array;
}

export interface Receipt {
  readonly type: 'receipt';
  readonly transferId: number;
  /** The pass this receipt answers; the sender's next pass is round + 1. */
  readonly round: number;
  readonly received: number;
  readonly missing: Uint32Array;
}

export const Verdict = {
  /** Every packet arrived and the pixels' CRC-32 matches the manifest. */
  COMPLETE: 0,
  /** Packets are still missing after the last allowed pass. */
  INCOMPLETE: 1,
  /** Every packet arrived but the CRC-32 differs: the data was corrupted (never expected on WebRTC). */
  CRC_MISMATCH: 2,
} as const;

export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface Complete {
  readonly type: 'complete';
  readonly transferId: number;
  readonly verdict: Verdict;
  /** Repair rounds that were run after the first pass. */
  readonly rounds: number;
  readonly received: number;
  readonly lostBySimulation: number;
  readonly lostByNetwork: number;
}

export const CancelOrigin = { SENDER: 0, RECEIVER: 1 } as const;
export type CancelOrigin = (typeof CancelOrigin)[keyof typeof CancelOrigin];

export const CancelReason = {
  /** A person pressed cancel. */
  USER: 0,
  /** The peer refused the manifest (limits, malformed). */
  REFUSED: 1,
  /** The peer hit an error it cannot recover from. */
  ERROR: 2,
  /** The receiver is still receiving another image from this peer (one at a time). */
  BUSY: 3,
} as const;
export type CancelReason = (typeof CancelReason)[keyof typeof CancelReason];

export interface Cancel {
  readonly type: 'cancel';
  readonly transferId: number;
  /** Says whose transfer id this is: ids are only unique per sending side. */
  readonly origin: CancelOrigin;
  readonly reason: CancelReason;
}

/**
 * How far the current pass has got: sent every few packets while it runs, so the sender can
 * keep a bounded amount of data on its way (see sender.ts).
 */
export interface Progress {
  readonly type: 'progress';
  readonly transferId: number;
  readonly round: number;
  /** The highest sequence received in this round, plus one. */
  readonly reach: number;
}

export type ControlMessage = ({ readonly type: 'manifest' } & Manifest) | EndOfPass | Receipt | Complete | Cancel | Progress;

function invalid(what: string, message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `${what}: ${message}`);
}

function checkCount(what: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_PACKET_COUNT) throw invalid(what, `${field} ${value}`);
}

export function encodeControlMessage(message: Exclude<ControlMessage, { type: 'manifest' }>): Uint8Array {
  const w = new ByteWriter();
  switch (message.type) {
    case 'end-of-pass':
      checkCount('end-of-pass', 'packets sent', message.sent);
      writeHeader(w, MessageType.END_OF_PASS).u32(message.transferId).u8(message.round).u32(message.sent);
      writeSequenceSet(w, message.simulatedDrops);
      break;
    case 'receipt':
      checkCount('receipt', 'packets received', message.received);
      writeHeader(w, MessageType.RECEIPT).u32(message.transferId).u8(message.round).u32(message.received);
      writeSequenceSet(w, message.missing);
      break;
    case 'complete':
      for (const field of ['received', 'lostBySimulation', 'lostByNetwork'] as const) {
        checkCount('complete', field, message[field]);
      }
      writeHeader(w, MessageType.COMPLETE).u32(message.transferId).u8(message.verdict).u8(message.rounds);
      w.u32(message.received).u32(message.lostBySimulation).u32(message.lostByNetwork);
      break;
    case 'cancel':
      writeHeader(w, MessageType.CANCEL).u32(message.transferId).u8(message.origin).u8(message.reason);
      break;
    case 'progress':
      checkCount('progress', 'reach', message.reach);
      writeHeader(w, MessageType.PROGRESS).u32(message.transferId).u8(message.round).u32(message.reach);
      break;
  }
  return w.finish();
}

function readCount(r: ByteReader, what: string, field: string): number {
  const value = r.u32(field);
  if (value > MAX_PACKET_COUNT) {
    throw new ProtocolError(ProtocolErrorCode.LIMIT_EXCEEDED, `${what}: ${field} ${value} exceeds ${MAX_PACKET_COUNT}`);
  }
  return value;
}

/**
 * Decodes any message of the control channel. A manifest is checked against `limits` before
 * anything is allocated for it.
 */
export function decodeControlMessage(bytes: Uint8Array, limits?: ManifestLimits): ControlMessage {
  const r = new ByteReader(bytes, 'control message');
  const type = readHeader(r);
  let message: ControlMessage;
  switch (type) {
    case MessageType.MANIFEST:
      return { type: 'manifest', ...decodeManifest(bytes, limits) };
    case MessageType.END_OF_PASS: {
      const transferId = r.u32('transfer id');
      const round = r.u8('round');
      const sent = readCount(r, 'end-of-pass', 'packets sent');
      message = { type: 'end-of-pass', transferId, round, sent, simulatedDrops: readSequenceSet(r, 'simulated drops') };
      break;
    }
    case MessageType.RECEIPT: {
      const transferId = r.u32('transfer id');
      const round = r.u8('round');
      const received = readCount(r, 'receipt', 'packets received');
      message = { type: 'receipt', transferId, round, received, missing: readSequenceSet(r, 'missing') };
      break;
    }
    case MessageType.COMPLETE: {
      const transferId = r.u32('transfer id');
      const verdict = r.u8('verdict');
      if (verdict !== Verdict.COMPLETE && verdict !== Verdict.INCOMPLETE && verdict !== Verdict.CRC_MISMATCH) {
        throw invalid('complete', `unknown verdict ${verdict}`);
      }
      const rounds = r.u8('rounds');
      const received = readCount(r, 'complete', 'received');
      const lostBySimulation = readCount(r, 'complete', 'lost by simulation');
      const lostByNetwork = readCount(r, 'complete', 'lost by network');
      message = { type: 'complete', transferId, verdict, rounds, received, lostBySimulation, lostByNetwork };
      break;
    }
    case MessageType.CANCEL: {
      const transferId = r.u32('transfer id');
      const origin = r.u8('origin');
      if (origin !== CancelOrigin.SENDER && origin !== CancelOrigin.RECEIVER) throw invalid('cancel', `unknown origin ${origin}`);
      const reason = r.u8('reason');
      if (!Object.values<number>(CancelReason).includes(reason)) {
        throw invalid('cancel', `unknown reason ${reason}`);
      }
      message = { type: 'cancel', transferId, origin, reason: reason as CancelReason };
      break;
    }
    case MessageType.PROGRESS: {
      const transferId = r.u32('transfer id');
      const round = r.u8('round');
      message = { type: 'progress', transferId, round, reach: readCount(r, 'progress', 'reach') };
      break;
    }
    default:
      throw new ProtocolError(ProtocolErrorCode.UNKNOWN_TYPE, `a data packet cannot travel on the control channel`);
  }
  r.end();
  return message;
}
