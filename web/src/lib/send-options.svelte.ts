/** How the next image is sent; the form binds to these fields directly. */
import type { ScanOrderKind } from '../../../shared/protocol/manifest.ts';
import { DATA_HEADER_BYTES, MAX_PACKET_BYTES } from '../../../shared/protocol/limits.ts';

export const MIN_PACKET_BYTES = 64;
/** Repair rounds the sender may run after the first pass when repair is on. */
export const REPAIR_ROUNDS = 10;

export class SendOptions {
  order = $state<ScanOrderKind>('interlaced');
  packetBytes = $state(MAX_PACKET_BYTES);
  lossPercent = $state(0);
  /** Mean length of a run of lost packets; 1 = independent losses. */
  burstLength = $state(1);
  repair = $state(true);
  /** MB/s; 0 = as fast as the channel drains. */
  rateLimit = $state(0);

  /** The form's values clamped into range: an empty or odd number field never breaks a send. */
  readonly effective = $derived({
    order: this.order,
    /** The form asks for whole packets; the engine wants the payload after the header. */
    payloadBytes: clamp(Math.round(this.packetBytes), MIN_PACKET_BYTES, MAX_PACKET_BYTES) - DATA_HEADER_BYTES,
    lossPercent: clamp(this.lossPercent, 0, 100),
    burstLength: clamp(this.burstLength, 1, 1000),
    repairRounds: this.repair ? REPAIR_ROUNDS : 0,
    rateLimitBytesPerSecond: clamp(this.rateLimit, 0, 10_000) * 1_000_000,
  });
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, min), max) : min;
}
