/**
 * Sends one image: the manifest over the reliable control channel, then the data packets of
 * each pass over the unreliable packet channel, paced by its {@link Pacer} (a window the
 * receiver's progress reports open, the channel's buffered amount, an optional rate limit and
 * the rate and flight it estimates from those reports). Repair rounds resend exactly the
 * sequences a receipt names. Over a striped channel it chooses how many stripes to use.
 *
 * With repair on, an interlaced image's first pass is its coarse picture alone (the first Adam7
 * pass, 1 pixel in 64). The receipt that answers it names the coarse packets lost on the way
 * and every packet not yet sent, and the next pass sends them in that order: a lost coarse
 * packet is resent about one round trip after the coarse picture went out, so the whole coarse
 * picture shows early instead of after the image has gone out once. The manifest allows one
 * round more for this pass; the stats count repair rounds without it.
 */
import {
  CancelOrigin,
  CancelReason,
  DATA_HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_REPAIR_ROUNDS,
  PROGRESS_EVERY_PACKETS,
  ProtocolError,
  ProtocolErrorCode,
  Verdict,
  encodeControlMessage,
  encodeManifest,
  type Complete,
  type Manifest,
  type Progress,
  type Receipt,
  type ScanOrder,
  type ScanOrderKind,
  pixelsPerPacket,
} from '../protocol/index.ts';
import type { NativeImage } from '../pixels/pixel-format.ts';
import type { Clock, ControlChannel, PacketChannel, Scheduler } from './channel.ts';
import { crc32InTurns } from './chunked-crc.ts';
import { createLossModel, type LossModel, type LossSpec } from './loss-model.ts';
import { PacketGeometry } from './packet-geometry.ts';
import { DEFAULT_HIGH_WATER_MARK, DEFAULT_LOW_WATER_MARK, Pacer, WINDOW_TIMEOUT_MS, type PathEstimate } from './pacer.ts';
import { MIN_STRIPE_RTT_MS, chooseStripes, type StripeControl } from './stripes.ts';
import { lowerBound } from './lower-bound.ts';
import { Packetizer } from './packetizer.ts';
import { sendCopy } from './pass-message-copy.ts';
import { chooseScatterOrder } from './scan-order.ts';
import { TimeSeries, type Sample } from './time-series.ts';

export { DEFAULT_HIGH_WATER_MARK, DEFAULT_LOW_WATER_MARK, WINDOW_TIMEOUT_MS };

/**
 * Most packet bytes a pass keeps on their way: handed to the channel and not yet behind the
 * receiver's latest progress report. The channel's buffered amount cannot bound this: it only
 * counts what SCTP has not sent yet. On a fresh connection SCTP is in slow start, with nothing
 * yet to limit its congestion window, and sends as fast as the page gives it packets; in
 * Chromium the sending renderer then runs into its cap of 640 KiB in flight to the network
 * service, and every send beyond it fails, which loses about 5 % of a first full-HD image and
 * stalls the channel for seconds. With this window that first transfer loses nothing; on an
 * established link it costs some throughput, since it is then the only slack (bench:e2e's
 * "first after connecting" case and docs/benchmarks.md, "Conclusions that hold"). Counted in
 * packets, the window is never smaller than twice the receiver's report interval.
 */
export const DEFAULT_WINDOW_BYTES = 512 * 1024;
/**
 * Over several stripes, how long a pass's end-of-pass waits for their buffers to drain beyond
 * four round trips and twice the time the delivery rate needs for what they held when the pass
 * was handed over.
 */
export const END_OF_PASS_DRAIN_MS = 100;
/** Packets sent per scheduler turn, so the page stays responsive while a big image goes out. */
export const DEFAULT_PACKETS_PER_TURN = 256;

export interface SenderOptions {
  /** Unique among this side's transfers in the session; {@link TransferSession} assigns it. */
  readonly transferId: number;
  readonly fileName: string;
  /** Default 'scattered': a lost packet removes an even sprinkle of pixels that concealment hides well. */
  readonly scanOrder?: ScanOrderKind;
  /** Payload bytes per packet, at most {@link MAX_PAYLOAD_BYTES} (the default). */
  readonly payloadBytes?: number;
  /** Loss simulated before the channel, counted apart from the network's. Default: none. */
  readonly loss?: LossSpec;
  /** Repair rounds after the first pass; 0 (the default) turns repair off. */
  readonly repairRounds?: number;
  /** Bytes per second handed to the channel; default unlimited (paced by the buffer alone). */
  readonly rateLimit?: number;
  /**
   * CRC-32 of `image.pixels`, when the caller already has it (the app computes it when the image
   * is chosen): the manifest then goes out at once instead of after a checksum pass. A wrong value
   * makes the receiver's verdict a CRC mismatch.
   */
  readonly pixelsCrc32?: number;
  readonly highWaterMark?: number;
  readonly lowWaterMark?: number;
  /** Packet bytes on their way at most; default {@link DEFAULT_WINDOW_BYTES}. */
  readonly windowBytes?: number;
  /**
   * Pace at the rate and flight estimated from progress reports (see {@link Pacer}); default
   * false, which keeps the fixed gates only (window, buffer marks, rate limit). The app turns it
   * on: it matters where a real transport's queue sits between the page and a lossy path.
   */
  readonly adaptivePacing?: boolean;
  readonly packetsPerTurn?: number;
  /** The packet channel's stripes, when it has several: the sender chooses how many to use. */
  readonly stripes?: StripeControl;
  /**
   * When payloads go coded (rice-payload.ts: lossless; a photo's packets in 40–60 % of their
   * bytes, for some 20 ns of CPU per byte at each end): 'distant' (the default) once the path's
   * round trip is known to be {@link MIN_STRIPE_RTT_MS} or more, where bytes are scarce and the
   * pages idle between packets; on a near path the pages' CPU is the limit and coding would slow it.
   */
  readonly payloadCoding?: 'distant' | 'always' | 'never';
  readonly control: ControlChannel;
  readonly packets: PacketChannel;
  readonly now: Clock;
  readonly schedule: Scheduler;
  /** Called after every state change (not per packet: poll `stats` for progress). */
  readonly onStateChange?: (sender: Sender) => void;
}

export type SenderState =
  /** Computing the CRC-32 for the manifest, a slice per turn; nothing sent yet. */
  | 'preparing'
  /** Sending a pass. */
  | 'sending'
  /** A pass is out; waiting for the receipt or the verdict. */
  | 'waiting'
  /** The receiver verified every pixel (CRC-32). */
  | 'complete'
  /** The receiver ended with packets missing (or a CRC mismatch). */
  | 'incomplete'
  /** Either side cancelled, or the peer went away. */
  | 'cancelled';

export interface SenderStats {
  readonly expected: number;
  /** Packets handed to the channel (simulated drops excluded). */
  readonly packetsSent: number;
  readonly simulatedDrops: number;
  /** Packets attempted in repair rounds, dropped ones included. */
  readonly repairResends: number;
  /** Bytes handed to the channel, headers included. */
  readonly bytes: number;
  /** What {@link bytes} would be had every payload gone plain (coded packets are shorter). */
  readonly plainBytes: number;
  readonly elapsedMs: number;
  readonly throughputBytesPerSecond: number;
  /** Repair rounds started after the image went out once (the pass after a coarse first pass is not one). */
  readonly rounds: number;
  /** Stripes (peer connections) the packets go over now; 1 without striping. */
  readonly stripes: number;
  /** What the pacer has learnt about the path. */
  readonly path: PathEstimate;
  /** The receiver's final figures, once its verdict has arrived. */
  readonly received?: number;
  readonly lostBySimulation?: number;
  readonly lostByNetwork?: number;
}

export type SenderSample = Sample<'packets' | 'bytes' | 'dropped' | 'resent'>;

export class Sender {
  private _manifest: Manifest;
  private _state: SenderState = 'preparing';
  private readonly geometry: PacketGeometry;
  private readonly packetizer: Packetizer;
  private readonly lossModel: LossModel | undefined;
  /** Packets of the coarse first pass; 0 when the first pass is the whole image. */
  private readonly coarsePackets: number;
  private readonly series = new TimeSeries(['packets', 'bytes', 'dropped', 'resent'] as const);
  private startedAt = 0;
  private endedAt: number | undefined;
  private round = 0;
  /** Sequences of the current pass; null means all of them (round 0). */
  private passSequences: Uint32Array | null = null;
  private passIndex = 0;
  private passDrops: number[] = [];
  /** Pass indices below this are behind the receiver's reach: arrived or lost on the way. */
  private passAcked = 0;
  /** Of those, how many the simulation dropped (they never took up room on the way). */
  private passAckedDrops = 0;
  /** Like passAcked, but moved by reports alone (not by the window timeout), for the loss estimate. */
  private passReach = 0;
  private passReachDrops = 0;
  /** The pump waits for a progress report (or the window timeout) to open the window. */
  private awaitingProgress = false;
  private readonly pacer: Pacer;
  /** When each index of the current pass went to the channel, for round-trip samples. */
  private passSentAt = new Float64Array(0);
  /** Cancels the CRC in progress or the next scheduled pump. */
  private pendingWork: (() => void) | undefined;
  private verdict: Complete | undefined;
  private receiverReason: CancelReason | null = null;
  private counts = { packetsSent: 0, simulatedDrops: 0, repairResends: 0, bytes: 0, plainBytes: 0 };
  private readonly pixels: Uint8Array;

  constructor(
    image: NativeImage,
    private readonly options: SenderOptions,
  ) {
    const payloadBytes = options.payloadBytes ?? MAX_PAYLOAD_BYTES;
    const kind = options.scanOrder ?? 'scattered';
    const repairRounds = options.repairRounds ?? 0;
    if (!Number.isInteger(repairRounds) || repairRounds < 0 || repairRounds > MAX_REPAIR_ROUNDS) {
      throw new RangeError(`repairRounds must be an integer in 0–${MAX_REPAIR_ROUNDS}, got ${repairRounds}`);
    }
    const known = options.pixelsCrc32;
    if (known !== undefined && !(Number.isInteger(known) && known >= 0 && known <= 0xffffffff)) {
      throw new RangeError(`pixelsCrc32 must be an unsigned 32-bit integer, got ${known}`);
    }
    const bpp = image.format.bitsPerPixel;
    const scanOrder: ScanOrder =
      kind === 'scattered' ? chooseScatterOrder(image.width, image.height, pixelsPerPacket(payloadBytes, bpp)) : { kind };
    this.geometry = new PacketGeometry({ ...image, payloadBytes, scanOrder, bitsPerPixel: bpp });
    const coarse = this.geometry.coarsePackets;
    this.coarsePackets = repairRounds > 0 && repairRounds < MAX_REPAIR_ROUNDS && coarse < this.geometry.packetCount ? coarse : 0;
    if (image.pixels.length !== this.geometry.rowBytes * image.height) {
      throw new RangeError(
        `image pixels hold ${image.pixels.length} bytes, ${image.width}×${image.height} at ${bpp} bits needs ${this.geometry.rowBytes * image.height}`,
      );
    }
    this._manifest = {
      transferId: options.transferId,
      fileName: options.fileName,
      width: image.width,
      height: image.height,
      format: image.format,
      payloadBytes,
      packetCount: this.geometry.packetCount,
      scanOrder,
      // Filled in by start(), which checksums the pixels without blocking the page.
      crc32: 0,
      repairRounds: this.coarsePackets > 0 ? repairRounds + 1 : repairRounds,
    };
    this.pixels = image.pixels;
    // Encoding validates (file name length, masks, palette): fail here, not a few turns later.
    encodeManifest(this._manifest);
    this.packetizer = new Packetizer(image, this.geometry, options.transferId);
    const windowBytes = options.windowBytes ?? DEFAULT_WINDOW_BYTES;
    if (!(Number.isInteger(windowBytes) && windowBytes > 0)) throw new RangeError(`windowBytes must be a positive integer, got ${windowBytes}`);
    const packetBytes = payloadBytes + DATA_HEADER_BYTES;
    this.pacer = new Pacer({
      packetBytes,
      windowPackets: Math.max(2 * PROGRESS_EVERY_PACKETS, Math.floor(windowBytes / packetBytes)),
      minFlightPackets: 2 * PROGRESS_EVERY_PACKETS,
      ...(options.highWaterMark !== undefined && { highWaterMark: options.highWaterMark }),
      ...(options.lowWaterMark !== undefined && { lowWaterMark: options.lowWaterMark }),
      ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
      adaptive: options.adaptivePacing ?? false,
    });
    this.lossModel = options.loss ? createLossModel(options.loss) : undefined;
  }

  get state(): SenderState {
    return this._state;
  }

  /** What the receiver is told; `crc32` is 0 until the state has left 'preparing'. */
  get manifest(): Manifest {
    return this._manifest;
  }

  get transferId(): number {
    return this.manifest.transferId;
  }

  /**
   * Checksums the pixels (a few milliseconds per turn) unless the CRC was given, then sends the
   * manifest and starts the first pass.
   */
  start(): void {
    if (this._state !== 'preparing' || this.pendingWork) return;
    this.startedAt = this.options.now();
    const known = this.options.pixelsCrc32;
    if (known !== undefined) this.sendManifest(known);
    else
      this.pendingWork = crc32InTurns(this.pixels, this.options.schedule, this.options.now, (crc) => {
        this.pendingWork = undefined;
        this.sendManifest(crc);
      });
  }

  private sendManifest(crc: number): void {
    this._manifest = { ...this._manifest, crc32: crc };
    this.options.control.send(encodeManifest(this._manifest));
    this.chooseStripes();
    this.startPass(null);
  }

  private startPass(sequences: Uint32Array | null): void {
    this._state = 'sending';
    this.passSequences = sequences;
    this.passIndex = 0;
    this.passDrops = [];
    this.passAcked = 0;
    this.passAckedDrops = 0;
    this.passReach = 0;
    this.passReachDrops = 0;
    this.passSentAt = new Float64Array(this.passLength);
    this.pacer.startPass(this.options.now());
    this.options.onStateChange?.(this);
    this.pump();
  }

  private get passLength(): number {
    return this.passSequences ? this.passSequences.length : this.coarsePackets || this.geometry.packetCount;
  }

  /** Sends packets until the pass ends, the pacer says wait or the turn is used up. */
  private pump(): void {
    this.pendingWork = undefined;
    this.awaitingProgress = false;
    if (this._state !== 'sending') return;
    const { packets, now } = this.options;
    const perTurn = this.options.packetsPerTurn ?? DEFAULT_PACKETS_PER_TURN;
    const c = this.counts;
    const code = this.codesPayloads();
    for (let sentThisTurn = 0; this.passIndex < this.passLength; sentThisTurn++) {
      if (sentThisTurn === perTurn) {
        this.pendingWork = this.options.schedule(() => this.pump(), 0);
        return;
      }
      const decision = this.pacer.decide(now(), this.inFlight, packets.bufferedAmount);
      if (decision.kind === 'window') {
        this.awaitingProgress = true;
        this.pendingWork = this.options.schedule(() => {
          this.passAcked = this.passIndex;
          this.passAckedDrops = this.passDrops.length;
          this.pacer.windowTimedOut();
          this.pump();
        }, decision.timeoutMs);
        return;
      }
      if (decision.kind === 'buffer') {
        packets.onceBufferedAmountLow(decision.threshold, () => this.pump());
        return;
      }
      if (decision.kind === 'rate') {
        this.pendingWork = this.options.schedule(() => this.pump(), decision.waitMs);
        return;
      }
      const sequence = this.passSequences ? this.passSequences[this.passIndex]! : this.passIndex;
      this.passIndex++;
      const elapsed = now() - this.startedAt;
      if (this.round > 0) {
        c.repairResends++;
        this.series.add(elapsed, 'resent', 1);
      }
      if (this.lossModel?.()) {
        c.simulatedDrops++;
        this.passDrops.push(sequence);
        this.series.add(elapsed, 'dropped', 1);
        continue;
      }
      const packet = this.packetizer.packet(sequence, code);
      packets.send(packet);
      this.passSentAt[this.passIndex - 1] = now();
      const plainLength = DATA_HEADER_BYTES + this.geometry.payloadLength(sequence);
      // The pacer counts packets at their plain size, as its delivery rate does.
      this.pacer.sent(plainLength);
      c.packetsSent++;
      c.bytes += packet.length;
      c.plainBytes += plainLength;
      this.series.add(elapsed, 'packets', 1);
      this.series.add(elapsed, 'bytes', packet.length);
    }
    // End-of-pass goes on the other channel: wait until the packets have left the buffer, or it
    // would overtake up to a high-water mark's worth of them.
    const queued = (): number => packets.queuedAmount ?? packets.bufferedAmount;
    if (queued() === 0) {
      this.endPass();
      return;
    }
    // One association's buffer drains in the end, however long SCTP stalls (seconds under real
    // loss): ending the pass before it has would count every packet still waiting as lost.
    const stripes = this.options.stripes;
    const oneAssociation = packets.queuedAmount === undefined || (stripes !== undefined && stripes.active <= 1);
    if (oneAssociation) {
      packets.onceBufferedAmountLow(0, () => this.endPass());
      return;
    }
    // Over several, a stripe whose connection stalls or dies cannot hold the pass: healthy ones
    // drain at about the delivery rate within a few round trips, a stalled one lets through a
    // few packets per retransmission timeout (400 ms or more). The end-of-pass goes once every
    // buffer is empty (on a near path a striped channel's queuedAmount already leaves out one
    // that has stood still while another moved), or once four round trips, twice what the
    // delivery rate needs for them and END_OF_PASS_DRAIN_MS have passed; repair resends what a
    // stalled stripe still holds, over the others, and its late arrivals count as duplicates.
    // Whichever comes first ends this pass; the other then finds it ended (or a later pass under
    // way, which it leaves alone).
    const { deliveryBytesPerSecond: rate, rttMs } = this.pacer.estimate;
    const drainMs = rate > 0 ? (2 * queued() * 1000) / rate : 0;
    const roundTripMs = stripes?.pathRttMs() ?? rttMs ?? 0;
    const round = this.round;
    const finish = (): void => {
      if (this.round !== round || this._state !== 'sending') return;
      cancelDeadline();
      this.endPass();
    };
    const cancelDeadline = this.options.schedule(finish, END_OF_PASS_DRAIN_MS + 4 * roundTripMs + drainMs);
    this.pendingWork = cancelDeadline;
    packets.onceBufferedAmountLow(0, finish);
  }

  private codesPayloads(): boolean {
    const coding = this.options.payloadCoding ?? 'distant';
    if (coding !== 'distant') return coding === 'always';
    // The browser's own round trip where there is one (see chooseStripes below).
    const stripes = this.options.stripes;
    const rttMs = stripes ? stripes.pathRttMs() : this.pacer.estimate.rttMs;
    return rttMs !== null && rttMs >= MIN_STRIPE_RTT_MS;
  }

  /** Packets of this pass handed to the channel and not yet behind the receiver's reach. */
  private get inFlight(): number {
    return this.passIndex - this.passAcked - (this.passDrops.length - this.passAckedDrops);
  }

  /** The receiver says how far the pass has got: what lies behind that is no longer on its way. */
  handleProgress(progress: Progress): void {
    if (this._state !== 'sending' || progress.round !== this.round) return;
    if (progress.reach > this.geometry.packetCount) {
      throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `progress reach ${progress.reach} beyond ${this.geometry.packetCount} packets`);
    }
    // A pass sends its sequences in increasing order; a late packet of the round before may
    // carry the receiver's reach past what this pass has sent so far.
    const acked = Math.min(this.passIndex, this.passSequences ? lowerBound(this.passSequences, progress.reach) : progress.reach);
    const drops = lowerBound(this.passDrops, progress.reach);
    // Packets the simulation dropped never took up room on the way, nor could they arrive.
    const reached = Math.max(0, acked - this.passReach - (drops - this.passReachDrops));
    if (acked > this.passReach) {
      this.passReach = acked;
      this.passReachDrops = drops;
    }
    this.pacer.reported(reached, PROGRESS_EVERY_PACKETS);
    this.chooseStripes();
    if (acked <= this.passAcked) return;
    this.pacer.acknowledged(this.options.now(), acked - this.passAcked - (drops - this.passAckedDrops), this.passSentAt[acked - 1]);
    this.passAcked = acked;
    this.passAckedDrops = drops;
    if (this.awaitingProgress && this.inFlight < this.pacer.flightPackets) {
      this.pendingWork?.();
      this.pump();
    }
  }

  /** Spreads the packets over as many stripes as the path's loss and round trip call for. */
  private chooseStripes(): void {
    const stripes = this.options.stripes;
    if (!stripes) return;
    const path = this.pacer.estimate;
    // The browser's own round trip, not the reports': theirs includes the wait for 64 packets,
    // which on a busy machine can make a LAN look distant.
    const wanted = chooseStripes({ rttMs: stripes.pathRttMs(), lossFraction: path.lossFraction, current: stripes.count });
    if (wanted !== stripes.count) stripes.use(wanted);
  }

  private endPass(): void {
    if (this._state !== 'sending') return;
    this._state = 'waiting';
    const endOfPass = encodeControlMessage({
      type: 'end-of-pass',
      transferId: this.transferId,
      round: this.round,
      sent: this.passLength,
      simulatedDrops: Uint32Array.from(this.passDrops),
    });
    this.options.control.send(endOfPass);
    sendCopy(this.options.packets, endOfPass);
    this.options.onStateChange?.(this);
  }

  /** A receipt from the receiver: resend exactly the missing sequences it names. */
  handleReceipt(receipt: Receipt): void {
    if (this._state !== 'waiting' || receipt.round !== this.round || this.round >= this.manifest.repairRounds) return;
    const count = this.geometry.packetCount;
    const missing = receipt.missing;
    if (missing.length === 0 || missing[missing.length - 1]! >= count) {
      throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `receipt names sequences outside 0–${count - 1}`);
    }
    this.round++;
    this.startPass(missing);
  }

  /** The receiver's verdict ends the transfer. */
  handleComplete(message: Complete): void {
    if (this._state === 'complete' || this._state === 'incomplete' || this._state === 'cancelled') return;
    this.verdict = message;
    this.end(message.verdict === Verdict.COMPLETE ? 'complete' : 'incomplete');
  }

  /** The receiver cancelled, for `reason`; {@link refusal} keeps it. */
  handleCancel(reason?: CancelReason): void {
    if (this._state === 'preparing' || this._state === 'sending' || this._state === 'waiting') this.receiverReason = reason ?? null;
    this.interrupt();
  }

  /** Why the receiver cancelled this transfer, or null when it did not. */
  get refusal(): CancelReason | null {
    return this.receiverReason;
  }

  /** This side gives up: tells the receiver and stops sending. */
  cancel(reason: CancelReason = CancelReason.USER): void {
    if (this._state === 'preparing') {
      this.end('cancelled');
      return;
    }
    if (this._state !== 'sending' && this._state !== 'waiting') return;
    this.options.control.send(
      encodeControlMessage({ type: 'cancel', transferId: this.transferId, origin: CancelOrigin.SENDER, reason }),
    );
    this.end('cancelled');
  }

  /** The peer went away: stop without telling anyone. */
  interrupt(): void {
    if (this._state === 'preparing' || this._state === 'sending' || this._state === 'waiting') this.end('cancelled');
  }

  private end(state: SenderState): void {
    this.pendingWork?.();
    this.pendingWork = undefined;
    this.endedAt = this.options.now();
    this._state = state;
    this.options.onStateChange?.(this);
  }

  get stats(): SenderStats {
    const c = this.counts;
    const elapsedMs = (this.endedAt ?? this.options.now()) - this.startedAt;
    return {
      expected: this.geometry.packetCount,
      packetsSent: c.packetsSent,
      simulatedDrops: c.simulatedDrops,
      repairResends: c.repairResends,
      bytes: c.bytes,
      plainBytes: c.plainBytes,
      elapsedMs,
      throughputBytesPerSecond: elapsedMs > 0 ? (c.bytes * 1000) / elapsedMs : 0,
      rounds: this.coarsePackets > 0 ? Math.max(0, this.round - 1) : this.round,
      stripes: this.options.stripes?.active ?? 1,
      path: this.pacer.estimate,
      ...(this.verdict && {
        received: this.verdict.received,
        lostBySimulation: this.verdict.lostBySimulation,
        lostByNetwork: this.verdict.lostByNetwork,
      }),
    };
  }

  timeSeries(): SenderSample[] {
    return this.series.samples();
  }
}
