/**
 * Receives one transfer: created from a validated manifest, fed data packets in any order and
 * the sender's end-of-pass messages, it places pixels as they arrive (into the native image and,
 * through the placer, into its {@link Picture}), accounts for every packet, and answers each
 * pass with a receipt (repair) or the final verdict.
 */
import {
  CancelOrigin,
  CancelReason,
  crc32,
  Verdict,
  DATA_HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  ProtocolError,
  decodeRicePayload,
  encodeControlMessage,
  riceCodable,
  type DataPacket,
  type EndOfPass,
  type Manifest,
  PROGRESS_EVERY_PACKETS,
} from '../protocol/index.ts';
import { Picture } from '../picture/index.ts';
import type { NativeImage } from '../pixels/pixel-format.ts';
import type { Clock, ControlChannel, PacketChannel, Scheduler } from './channel.ts';
import { crc32InTurns } from './chunked-crc.ts';
import { LeadingCrc } from './leading-crc.ts';
import { lowerBound } from './lower-bound.ts';
import { PacketGeometry } from './packet-geometry.ts';
import { sendCopy } from './pass-message-copy.ts';
import { PacketPlacer } from './placer.ts';
import { TimeSeries, type Sample } from './time-series.ts';

/**
 * Default wait after an end-of-pass before answering it. The control and packet channels are
 * separate, so the last data packets of a pass may still be in flight when end-of-pass arrives.
 * The sender already waits for its data buffer to drain, and in real browsers (5 % loss, both
 * pages timestamped) the last packet of a pass came at most 1 ms after its end-of-pass; each
 * repair round waits this long once, so it is kept short. A straggler that misses it is only
 * resent and counted as a duplicate. When no packet is missing there is no wait.
 */
export const DEFAULT_SETTLE_MS = 10;
/** What is left of the CRC check at the end is done at once up to this size, in turns beyond. */
const INLINE_CRC_BYTES = 256 * 1024;

export interface ReceiverOptions {
  /** Where receipts, the verdict and a cancel go. */
  readonly control: ControlChannel;
  /**
   * Where progress reports go: the unreliable channel, so that a lost report is simply overtaken
   * by the next one instead of holding every later report back until SCTP resends it. Copies of
   * receipts and the verdict go there too (pass-message-copy.ts).
   */
  readonly packets: Pick<PacketChannel, 'send'>;
  readonly now: Clock;
  readonly schedule: Scheduler;
  /** Wait after end-of-pass before answering it, for packets still in flight. Default {@link DEFAULT_SETTLE_MS}. */
  readonly settleMs?: number;
  /** Keep a {@link Picture} up to date as packets land. Default true; a headless peer may turn it off. */
  readonly rgba?: boolean;
  /** Called after every state change (not per packet: poll `stats` on a timer, and watch the picture). */
  readonly onStateChange?: (receiver: Receiver) => void;
}

export type ReceiverState =
  /** Packets are arriving or a pass is being answered. */
  | 'receiving'
  /** Every packet arrived and the CRC-32 matched. */
  | 'complete'
  /** Packets are missing after the last pass, or all arrived but the CRC-32 did not match. */
  | 'incomplete'
  /** The peer went away or someone cancelled. */
  | 'interrupted';

export interface ReceiverStats {
  readonly expected: number;
  readonly received: number;
  /** expected − received. */
  readonly missing: number;
  /**
   * Packets missing at the last answered end-of-pass whose latest transmission the sender's
   * simulation dropped. Loss is only known once a pass has ended: before, a packet not yet
   * here may still be on its way.
   */
  readonly lostBySimulation: number;
  /** Packets missing at the last answered end-of-pass that the network lost. */
  readonly lostByNetwork: number;
  /** Packets the sender attempted over all passes (from end-of-pass), dropped ones included. */
  readonly senderAttempted: number;
  /** Packets the sender's simulation dropped over all passes (from end-of-pass). */
  readonly simulatedDrops: number;
  readonly duplicates: number;
  /** Packets that arrived after one with a higher sequence number in the same pass. */
  readonly reordered: number;
  /** Transmissions of the answered passes that arrived, duplicates included (counted when each pass was answered). */
  readonly arrivedInEndedPasses: number;
  /**
   * Packets of the pass under way up to the highest sequence that arrived in it. A pass sends its
   * sequences in increasing order, so this many have been sent, give or take the few still in
   * flight: until its end-of-pass says what was sent, this is the best estimate of it.
   */
  readonly passSent: number;
  /** Of those, how many have not arrived: lost, or still on their way on another stripe. */
  readonly passMissing: number;
  /** Packets of this transfer that failed validation (sequence out of range, wrong length, a coded payload that does not decode). */
  readonly malformed: number;
  /** Packets handed to this receiver after it ended (a session stops routing them and counts them itself). */
  readonly stale: number;
  /** Bytes of every data packet received, headers and duplicates included. */
  readonly bytes: number;
  /** What {@link bytes} would be had every payload come plain (coded packets are shorter). */
  readonly plainBytes: number;
  /** Payload bytes of distinct packets. */
  readonly payloadBytes: number;
  /** Distinct payload bytes per second of elapsed time. */
  readonly goodputBytesPerSecond: number;
  readonly elapsedMs: number;
  /** Repair rounds run after the image went out once (the pass after a coarse first pass is not one). */
  readonly rounds: number;
  readonly missingPixels: number;
}

export type ReceiverSample = Sample<'packets' | 'bytes' | 'duplicates'>;

export class Receiver {
  readonly manifest: Manifest;
  /** The image as it stands: the received native pixels (zero where nothing arrived). */
  readonly image: NativeImage;
  /** The image for display, updated as packets land; null when `rgba: false`. */
  readonly picture: Picture | null;

  private _state: ReceiverState = 'receiving';
  private readonly geometry: PacketGeometry;
  private readonly placer: PacketPlacer;
  /** A coded packet's pixels, decoded; the placer copies them out at once. */
  private readonly decoded = new Uint8Array(MAX_PAYLOAD_BYTES);
  private readonly arrived: Uint8Array;
  /** Per sequence: 1 when its latest transmission was dropped by the sender's simulation. */
  private readonly droppedLast: Uint8Array;
  /** Sequences the sender sends in the current round: null means all (round 0). */
  private requested: Uint32Array | null = null;
  private readonly leadingCrc: LeadingCrc;
  private readonly series = new TimeSeries(['packets', 'bytes', 'duplicates'] as const);
  private readonly startedAt: number;
  private endedAt: number | undefined;
  private round = 0;
  private highestInRound = -1;
  private receivedInRound = 0;
  /** Sequences below this have been sent at least once, as the end-of-pass messages tell. */
  private attemptedBelow = 0;
  /** The first pass was the coarse picture alone (see sender.ts), so one round is not a repair. */
  private coarseFirstPass = false;
  /** The end-of-pass being answered once stragglers have had time to land. */
  private pendingPass: PassReport | undefined;
  /** Cancels the settle wait or the CRC check in progress. */
  private pendingWork: (() => void) | undefined;
  private counts = {
    received: 0,
    receivedPixels: 0,
    lostBySimulation: 0,
    lostByNetwork: 0,
    senderAttempted: 0,
    simulatedDrops: 0,
    duplicates: 0,
    reordered: 0,
    arrivedInEndedPasses: 0,
    malformed: 0,
    stale: 0,
    bytes: 0,
    plainBytes: 0,
    payloadBytes: 0,
  };

  constructor(
    manifest: Manifest,
    private readonly options: ReceiverOptions,
  ) {
    this.manifest = manifest;
    this.geometry = new PacketGeometry({ ...manifest, bitsPerPixel: manifest.format.bitsPerPixel });
    const native = new Uint8Array(this.geometry.rowBytes * manifest.height);
    this.image = { width: manifest.width, height: manifest.height, format: manifest.format, pixels: native };
    this.arrived = new Uint8Array(manifest.packetCount);
    const receiver = this;
    this.picture =
      (options.rgba ?? true)
        ? new Picture(manifest.width, manifest.height, {
            missingPixelMask: () => receiver.placer.missingPixelMask(receiver.arrived),
            get complete() {
              return receiver.counts.received === receiver.manifest.packetCount;
            },
          })
        : null;
    this.placer = new PacketPlacer(this.geometry, manifest.format, native, this.picture);
    this.droppedLast = new Uint8Array(manifest.packetCount);
    this.leadingCrc = new LeadingCrc(this.geometry, native, this.arrived);
    this.startedAt = options.now();
  }

  get state(): ReceiverState {
    return this._state;
  }

  get transferId(): number {
    return this.manifest.transferId;
  }

  /** Places a data packet of this transfer (already decoded and routed by transfer id). */
  handlePacket(packet: DataPacket): void {
    const elapsed = this.options.now() - this.startedAt;
    const c = this.counts;
    if (this._state !== 'receiving') {
      c.stale++;
      return;
    }
    const { sequence } = packet;
    const g = this.geometry;
    const payload = sequence < g.packetCount ? this.pixelsOf(packet) : null;
    if (!payload) {
      c.malformed++;
      return;
    }
    c.bytes += packet.payload.length + DATA_HEADER_BYTES;
    c.plainBytes += payload.length + DATA_HEADER_BYTES;
    this.series.add(elapsed, 'bytes', packet.payload.length + DATA_HEADER_BYTES);
    if (this.arrived[sequence]) {
      c.duplicates++;
      this.series.add(elapsed, 'duplicates', 1);
      return;
    }
    if (sequence < this.highestInRound) c.reordered++;
    else this.highestInRound = sequence;
    this.arrived[sequence] = 1;
    c.received++;
    c.receivedPixels += g.pixelsIn(sequence);
    c.payloadBytes += payload.length;
    this.series.add(elapsed, 'packets', 1);
    this.placer.place(sequence, payload);
    this.leadingCrc.advance();
    if (c.received === g.packetCount) this.answerPassEarly();
    else if (++this.receivedInRound % PROGRESS_EVERY_PACKETS === 0) this.reportProgress();
  }

  /** The packet's pixels (decoded when it came coded), or null when its payload cannot be this packet's. */
  private pixelsOf(packet: DataPacket): Uint8Array | null {
    const length = this.geometry.payloadLength(packet.sequence);
    if (!packet.coded) return packet.payload.length === length ? packet.payload : null;
    const lanes = this.geometry.bitsPerPixel / 8;
    if (!riceCodable(this.geometry.bitsPerPixel) || packet.payload.length >= length) return null;
    const pixels = this.decoded.subarray(0, length);
    try {
      decodeRicePayload(packet.payload, lanes, pixels);
    } catch (error) {
      if (error instanceof ProtocolError) return null;
      throw error;
    }
    return pixels;
  }

  private reportProgress(): void {
    this.options.packets.send(
      encodeControlMessage({ type: 'progress', transferId: this.transferId, round: this.round, reach: this.highestInRound + 1 }),
    );
  }

  /**
   * Every packet is here. The pass under way sends each of its sequences once, so the sender
   * attempted them all and its simulation dropped none: the pass's end-of-pass would tell
   * nothing new, and the verdict goes out without waiting for it (an end-of-pass that crosses
   * the verdict finds the transfer ended). If it came already, this cuts its straggler wait short.
   */
  private answerPassEarly(): void {
    const pass = this.pendingPass ?? { sent: this.requested?.length ?? this.geometry.packetCount, simulatedDrops: new Uint32Array(0) };
    this.pendingWork?.();
    this.answerPass(pass);
  }

  /** The sender finished a pass: wait for stragglers, then answer with a receipt or the verdict. */
  handleEndOfPass(message: EndOfPass): void {
    if (this._state !== 'receiving' || message.round !== this.round || this.pendingWork) return;
    const pass = { sent: message.sent, simulatedDrops: message.simulatedDrops };
    // With every packet in there is nothing to wait for: the answer is the CRC check.
    if (this.counts.received === this.geometry.packetCount) {
      this.answerPass(pass);
      return;
    }
    this.pendingPass = pass;
    this.pendingWork = this.options.schedule(() => this.answerPass(pass), this.options.settleMs ?? DEFAULT_SETTLE_MS);
  }

  /** Counts what the sender says of the pass: packets attempted, and those its simulation dropped. */
  private recordPass({ sent, simulatedDrops }: PassReport): void {
    if (this.requested === null) {
      this.attemptedBelow = Math.min(sent, this.geometry.packetCount);
      this.coarseFirstPass = sent < this.geometry.packetCount;
    } else {
      // A receipt names every packet not yet here, those never sent included.
      this.attemptedBelow = this.geometry.packetCount;
    }
    this.counts.senderAttempted += sent;
    this.counts.simulatedDrops += simulatedDrops.length;
    // Remember, per sequence sent in this pass, whether the simulation dropped it: a packet still
    // missing at the end was lost by the simulation exactly when its last transmission was dropped.
    const dropped = new Set<number>();
    for (const s of simulatedDrops) if (s < this.droppedLast.length) dropped.add(s);
    if (this.requested === null) {
      this.droppedLast.fill(0);
      for (const s of dropped) this.droppedLast[s] = 1;
    } else {
      for (const s of this.requested) this.droppedLast[s] = dropped.has(s) ? 1 : 0;
    }
  }

  private answerPass(pass: PassReport): void {
    this.pendingWork = undefined;
    this.pendingPass = undefined;
    if (this._state !== 'receiving') return;
    this.recordPass(pass);
    const c = this.counts;
    c.arrivedInEndedPasses = c.received + c.duplicates;
    this.highestInRound = -1;
    this.receivedInRound = 0;
    const missing = this.missingSequences();
    // Packets a coarse first pass has not sent yet are missing, not lost.
    let lost = 0;
    let lostBySimulation = 0;
    for (const s of missing) {
      if (s >= this.attemptedBelow) break;
      lost++;
      lostBySimulation += this.droppedLast[s]!;
    }
    c.lostBySimulation = lostBySimulation;
    c.lostByNetwork = lost - lostBySimulation;
    if (missing.length === 0) {
      this.checkCrc();
    } else if (this.round < this.manifest.repairRounds) {
      const receipt = encodeControlMessage({ type: 'receipt', transferId: this.transferId, round: this.round, received: c.received, missing });
      this.options.control.send(receipt);
      sendCopy(this.options.packets, receipt);
      this.requested = missing;
      this.round++;
    } else {
      this.finish(Verdict.INCOMPLETE);
    }
  }

  /** Every packet is in: the verdict is the CRC-32 check, of what the leading CRC has not yet covered. */
  private checkCrc(): void {
    const { rest, crcBefore } = this.leadingCrc;
    const judge = (crc: number) => this.finish(crc === this.manifest.crc32 ? Verdict.COMPLETE : Verdict.CRC_MISMATCH);
    if (rest.length <= INLINE_CRC_BYTES) {
      judge(crc32(rest, crcBefore));
      return;
    }
    this.pendingWork = crc32InTurns(
      rest,
      this.options.schedule,
      this.options.now,
      (crc) => {
        this.pendingWork = undefined;
        judge(crc);
      },
      crcBefore,
    );
  }

  private finish(verdict: Verdict): void {
    const stats = this.stats;
    const complete = encodeControlMessage({
      type: 'complete',
      transferId: this.transferId,
      verdict,
      rounds: stats.rounds,
      received: stats.received,
      lostBySimulation: stats.lostBySimulation,
      lostByNetwork: stats.lostByNetwork,
    });
    this.options.control.send(complete);
    sendCopy(this.options.packets, complete);
    this.end(verdict === Verdict.COMPLETE ? 'complete' : 'incomplete');
  }

  private end(state: ReceiverState): void {
    this.pendingWork?.();
    this.pendingWork = undefined;
    this.endedAt = this.options.now();
    this._state = state;
    this.options.onStateChange?.(this);
  }

  /** The sender cancelled. */
  handleCancel(): void {
    if (this._state === 'receiving') this.end('interrupted');
  }

  /** This side gives up: tells the sender and ends as interrupted. */
  cancel(reason: CancelReason = CancelReason.USER): void {
    if (this._state !== 'receiving') return;
    this.options.control.send(
      encodeControlMessage({ type: 'cancel', transferId: this.transferId, origin: CancelOrigin.RECEIVER, reason }),
    );
    this.end('interrupted');
  }

  /** The peer went away (the connection closed): ends as interrupted without telling anyone. */
  interrupt(): void {
    if (this._state === 'receiving') this.end('interrupted');
  }

  /** Sorted sequence numbers not received yet. */
  missingSequences(): Uint32Array {
    const missing = new Uint32Array(this.manifest.packetCount - this.counts.received);
    for (let s = 0, i = 0; s < this.arrived.length; s++) if (!this.arrived[s]) missing[i++] = s;
    return missing;
  }

  get stats(): ReceiverStats {
    const c = this.counts;
    const expected = this.manifest.packetCount;
    const elapsedMs = (this.endedAt ?? this.options.now()) - this.startedAt;
    const reach = this.highestInRound + 1;
    const passSent = this.requested === null ? reach : lowerBound(this.requested, reach);
    return {
      expected,
      received: c.received,
      missing: expected - c.received,
      lostBySimulation: c.lostBySimulation,
      lostByNetwork: c.lostByNetwork,
      senderAttempted: c.senderAttempted,
      simulatedDrops: c.simulatedDrops,
      duplicates: c.duplicates,
      reordered: c.reordered,
      arrivedInEndedPasses: c.arrivedInEndedPasses,
      passSent,
      passMissing: Math.max(0, passSent - this.receivedInRound),
      malformed: c.malformed,
      stale: c.stale,
      bytes: c.bytes,
      plainBytes: c.plainBytes,
      payloadBytes: c.payloadBytes,
      goodputBytesPerSecond: elapsedMs > 0 ? (c.payloadBytes * 1000) / elapsedMs : 0,
      elapsedMs,
      rounds: this.coarseFirstPass ? Math.max(0, this.round - 1) : this.round,
      missingPixels: this.geometry.pixelCount - c.receivedPixels,
    };
  }

  timeSeries(): ReceiverSample[] {
    return this.series.samples();
  }
}

/** What an end-of-pass says of its pass, or what the receiver infers when every packet came first. */
interface PassReport {
  readonly sent: number;
  readonly simulatedDrops: Uint32Array;
}
