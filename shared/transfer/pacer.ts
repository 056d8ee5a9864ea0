/**
 * When the sender may hand the next packet to the packet channel: every gate between a pass and
 * the wire in one place.
 *
 * - a **window** of packets on their way (handed over, not yet behind the receiver's latest
 *   progress report), with a timeout after which what is on its way counts as gone;
 * - the channel's **buffered amount** (high- and low-water marks);
 * - an optional fixed **rate limit**;
 * - an estimated **pacing rate** and **flight**, as BBR estimates them: the delivery rate is
 *   how fast the receiver's reach advances (packets behind it arrived or were lost), the round
 *   trip is the time from handing a packet over to the first report that reaches past it. The
 *   pacer sends at a little more than the best recent delivery rate and keeps at most about two
 *   such round trips' worth of packets out, plus what the receiver needs for its next reports. An SCTP association fed faster than the path
 *   delivers only grows its queue: a long queue means a long flight, a retransmission timeout
 *   sooner or later, and on an unreliable channel every chunk outstanding at that moment is
 *   abandoned at once.
 *
 * Pure: times are the caller's milliseconds, nothing here schedules anything.
 */

/** Pause sending while the channel holds more than this (Chromium's send() throws once ~16 MiB are queued). */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/** Resume when the channel has drained to this. */
export const DEFAULT_LOW_WATER_MARK = 256 * 1024;
/**
 * With the window full and no progress report for this long, the sender counts what is on its
 * way as gone and carries on: a receiver with nothing to report (everything in flight lost, or
 * a peer that never reports) cannot stall a pass. Repair resends whatever was really lost.
 */
export const WINDOW_TIMEOUT_MS = 500;
/** Pacing rate over the best recent delivery rate while that rate still grows (BBR's startup gain, 2/ln 2). */
export const STARTUP_GAIN = 2.89;
/** Pacing rate over the best recent delivery rate once it has stopped growing: enough to notice more room. */
export const CRUISE_GAIN = 1.25;
/** Flight over the estimated bandwidth-delay product: room for reports that come in bursts. */
export const FLIGHT_GAIN = 2;
/** How long a delivery-rate sample counts towards the best recent rate. */
export const RATE_WINDOW_MS = 2_000;
/** How long a round-trip sample counts towards the shortest recent round trip. */
export const RTT_WINDOW_MS = 10_000;
/** Startup ends after this many round trips without the delivery rate growing by a quarter. */
const STARTUP_FLAT_ROUNDS = 3;
/** Packets a paced sender may send in one go: timers fire late (browsers clamp nested ones to 4 ms). */
export const PACING_BURST_MS = 4;
/** The least a burst may hold, in packets, however slow the rate. */
const MIN_BURST_PACKETS = 8;

export interface PacerOptions {
  /** Bytes of one full packet, headers included. */
  readonly packetBytes: number;
  /** Most packets on their way. */
  readonly windowPackets: number;
  /** Packets the estimated flight holds beyond the path's own share, so that reports keep coming (two report intervals). */
  readonly minFlightPackets: number;
  readonly highWaterMark?: number;
  readonly lowWaterMark?: number;
  /** Fixed cap in bytes per second; default none. */
  readonly rateLimit?: number;
  /** Whether to pace at the estimated rate and flight (default true); false keeps only the fixed gates. */
  readonly adaptive?: boolean;
}

export type PacerDecision =
  | { readonly kind: 'send' }
  /** The window is full: wait for a report, or `timeoutMs` and then call {@link Pacer.windowTimedOut}. */
  | { readonly kind: 'window'; readonly timeoutMs: number }
  /** The channel holds too much: wait until its buffered amount falls to `threshold`. */
  | { readonly kind: 'buffer'; readonly threshold: number }
  /** The rate says wait this long. */
  | { readonly kind: 'rate'; readonly waitMs: number };

/** What the pacer has learnt about the path, for the panel and for choosing stripes. */
export interface PathEstimate {
  /** Best recent delivery rate in bytes per second; 0 until measured. */
  readonly deliveryBytesPerSecond: number;
  /** Shortest recent round trip from handing a packet over to a report past it; null until measured. */
  readonly rttMs: number | null;
  /** Share of packets behind the reach that never arrived, 0–1; null until enough reports came. */
  readonly lossFraction: number | null;
  /** Rate the pacer currently sends at, bytes per second; null while unpaced (nothing measured yet). */
  readonly pacingBytesPerSecond: number | null;
  /** Most packets the pacer lets out now. */
  readonly flightPackets: number;
}

interface Sample {
  readonly at: number;
  readonly value: number;
}

/** Loss is estimated once this many packets lie behind the reach. */
const LOSS_MIN_PACKETS = 512;

export class Pacer {
  private readonly high: number;
  private readonly low: number;
  private readonly adaptive: boolean;
  private rateSamples: Sample[] = [];
  private rttSamples: Sample[] = [];
  private startup = true;
  private startupBest = 0;
  private flatRounds = 0;
  private roundEndsAt = 0;
  /** Last time and count of an acknowledgement, for delivery-rate samples. */
  private lastAck: { at: number; acked: number } | undefined;
  private ackedTotal = 0;
  /** Packets behind the reach and reports that vouched for them, for the loss estimate. */
  private lossBehind = 0;
  private lossReported = 0;
  /** Token bucket of the pacing rate, in bytes, and when it was last filled. */
  private tokens = 0;
  private tokensAt: number | undefined;
  /** Start and bytes of the fixed rate limit's current span. */
  private limitFrom = 0;
  private limitBytes = 0;

  constructor(private readonly options: PacerOptions) {
    this.high = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.low = options.lowWaterMark ?? DEFAULT_LOW_WATER_MARK;
    this.adaptive = options.adaptive ?? true;
  }

  /** A new pass begins: the fixed rate limit counts from here. */
  startPass(now: number): void {
    this.limitFrom = now;
    this.limitBytes = 0;
  }

  /** May a packet go now, with `inFlight` packets on their way and `bufferedAmount` bytes in the channel? */
  decide(now: number, inFlight: number, bufferedAmount: number): PacerDecision {
    if (inFlight >= this.flightPackets) return { kind: 'window', timeoutMs: WINDOW_TIMEOUT_MS };
    if (bufferedAmount > this.high) return { kind: 'buffer', threshold: this.low };
    const limit = this.options.rateLimit;
    if (limit !== undefined) {
      const allowed = ((now - this.limitFrom) * limit) / 1000;
      if (this.limitBytes > allowed) return { kind: 'rate', waitMs: ((this.limitBytes - allowed) * 1000) / limit };
    }
    const pacing = this.pacingRate;
    if (pacing !== null) {
      this.refill(now, pacing);
      if (this.tokens < this.options.packetBytes) {
        return { kind: 'rate', waitMs: Math.max(1, ((this.options.packetBytes - this.tokens) * 1000) / pacing) };
      }
    }
    return { kind: 'send' };
  }

  /** A packet of `bytes` went to the channel. */
  sent(bytes: number): void {
    this.limitBytes += bytes;
    if (this.pacingRate !== null) this.tokens -= bytes;
  }

  /**
   * A progress report came: the receiver's reach passed `reached` more packets the sender
   * handed over (0 when it did not move), and the report vouches for `vouched` arrivals.
   */
  reported(reached: number, vouched: number): void {
    this.lossBehind += reached;
    this.lossReported += vouched;
  }

  /**
   * A progress report moved the reach past `acked` more packets still counted on their way
   * (not past those the window timeout gave up on), and the newest of them was handed over at
   * `sentAt`.
   */
  acknowledged(now: number, acked: number, sentAt: number | undefined): void {
    if (acked <= 0) return;
    this.ackedTotal += acked;
    if (sentAt !== undefined && now >= sentAt) this.rttSamples = pushWindowed(this.rttSamples, now, now - sentAt, RTT_WINDOW_MS, Math.min);
    if (this.lastAck && now > this.lastAck.at) {
      const rtt = this.rttMs ?? 0;
      // A sample spans at least a round trip, so one burst of reports cannot fake a fast path.
      if (now - this.lastAck.at >= Math.max(rtt, 1)) {
        const rate = ((this.ackedTotal - this.lastAck.acked) * this.options.packetBytes * 1000) / (now - this.lastAck.at);
        this.rateSamples = pushWindowed(this.rateSamples, now, rate, RATE_WINDOW_MS, Math.max);
        this.lastAck = { at: now, acked: this.ackedTotal };
      }
    } else if (!this.lastAck) {
      // What this report acknowledges arrived before the first sample's span begins.
      this.lastAck = { at: now, acked: this.ackedTotal };
    }
    this.updateStartup(now);
  }

  /** The window waited {@link WINDOW_TIMEOUT_MS} without a report: nothing is known to be on its way. */
  windowTimedOut(): void {
    // A silent receiver says nothing about the rate; the next reports measure it afresh.
    this.lastAck = undefined;
  }

  private updateStartup(now: number): void {
    if (!this.startup || now < this.roundEndsAt) return;
    this.roundEndsAt = now + (this.rttMs ?? 0);
    const best = this.bestRate;
    if (best > this.startupBest * 1.25) {
      this.startupBest = best;
      this.flatRounds = 0;
    } else if (++this.flatRounds >= STARTUP_FLAT_ROUNDS) {
      this.startup = false;
    }
  }

  private refill(now: number, rate: number): void {
    const burst = Math.max(MIN_BURST_PACKETS * this.options.packetBytes, (rate * PACING_BURST_MS) / 1000);
    if (this.tokensAt === undefined) this.tokens = burst;
    else this.tokens = Math.min(burst, this.tokens + ((now - this.tokensAt) * rate) / 1000);
    this.tokensAt = now;
  }

  private get bestRate(): number {
    return this.rateSamples.length > 0 ? this.rateSamples[0]!.value : 0;
  }

  private get rttMs(): number | null {
    return this.rttSamples.length > 0 ? this.rttSamples[0]!.value : null;
  }

  private get pacingRate(): number | null {
    if (!this.adaptive || this.bestRate === 0) return null;
    return this.bestRate * (this.startup ? STARTUP_GAIN : CRUISE_GAIN);
  }

  /** Most packets allowed out now: the window, or less once the path's bandwidth-delay product is known. */
  get flightPackets(): number {
    const { windowPackets, minFlightPackets, packetBytes } = this.options;
    if (!this.adaptive) return windowPackets;
    // Startup grows the flight by what the reports acknowledge, doubling it each round trip as
    // SCTP's slow start does: a first burst of a whole window would only wait in one
    // association's queue, and on a lossy path a retransmission timeout gives all of it up.
    if (this.startup || this.bestRate === 0) return Math.min(windowPackets, minFlightPackets + this.ackedTotal);
    const rtt = this.rttMs;
    if (rtt === null) return windowPackets;
    const bdp = (this.bestRate * rtt) / 1000 / packetBytes;
    // On top of the path's own share, the packets a receiver takes to send its next reports:
    // it reports per packets received, so under loss it takes more of them sent.
    const loss = this.lossFraction ?? 0;
    return Math.min(windowPackets, Math.ceil(FLIGHT_GAIN * bdp + minFlightPackets / (1 - Math.min(loss, 0.5))));
  }

  private get lossFraction(): number | null {
    if (this.lossBehind < LOSS_MIN_PACKETS) return null;
    // Reports travel on the same lossy channel as the packets, so a share p of them is lost
    // too: what they vouch for is about (1 − p)² of what lies behind the reach.
    return 1 - Math.sqrt(Math.min(1, this.lossReported / this.lossBehind));
  }

  get estimate(): PathEstimate {
    return {
      deliveryBytesPerSecond: this.bestRate,
      rttMs: this.rttMs,
      lossFraction: this.lossFraction,
      pacingBytesPerSecond: this.pacingRate,
      flightPackets: this.flightPackets,
    };
  }
}

/**
 * Adds a sample and keeps, oldest first, only those within `windowMs` that no later sample
 * beats: the first one is then the window's best (a monotonic queue).
 */
function pushWindowed(samples: Sample[], at: number, value: number, windowMs: number, best: (a: number, b: number) => number): Sample[] {
  const kept = samples.filter((s) => s.at > at - windowMs);
  while (kept.length > 0 && best(kept[kept.length - 1]!.value, value) === value) kept.pop();
  kept.push({ at, value });
  return kept;
}
