/**
 * Striping: the packet channel may run over several peer connections ("stripes"), each its own
 * SCTP association with its own congestion window. One association behaves like TCP Reno: each
 * loss halves its window, and on an unreliable channel a chunk given up is counted as a loss
 * too, so random loss caps it near (packet size / round trip) × 1.22 / √loss whatever its
 * reliability: about 0.3 MB/s at 44 ms and 1 %. N associations get about N times that. The
 * price: N flows take N shares of a congested bottleneck, so striping pays where loss is random
 * (radio, a lossy hop), not where the path is simply full; on a clean path one stripe is chosen.
 * Several associations also keep one that stalls from holding the transfer: under loss,
 * Chromium's SCTP can fall into a retransmission timeout every 400 ms that lets through only a
 * few packets each time, for seconds, even on one machine.
 */
import { DATA_HEADER_BYTES, MAX_PAYLOAD_BYTES } from '../protocol/index.ts';

/** Most stripes a packet channel runs over (the signaling `link` index is 0–7). */
export const MAX_STRIPES = 8;
/**
 * Below this round trip a path keeps the stripes it has (one, at first: it is taken for clean)
 * until the progress reports have measured its loss.
 */
export const MIN_STRIPE_RTT_MS = 10;
/** Below this loss one association fills the path: its congestion control is the right one. */
export const MIN_STRIPE_LOSS = 0.002;
/** Loss assumed on a distant path until the progress reports have measured it. */
export const ASSUMED_LOSS = 0.01;
/**
 * The rate striping aims for: about what two pages on one machine can place (bench:e2e's
 * loopback ceiling is 18–25 MB/s). A single stripe reaches it on a clean path; on a near path
 * with a few percent of loss one association's ceiling falls below it.
 */
export const TARGET_BYTES_PER_SECOND = 16_000_000;

/** What the sender may do with a striped packet channel. */
export interface StripeControl {
  /** Stripes the sender asked for (see {@link use}). */
  readonly count: number;
  /** Stripes packets actually go over now: those asked for that are open (others may still be connecting). */
  readonly active: number;
  /** Spread packets over this many stripes (1–{@link MAX_STRIPES}), opening connections as needed. */
  use(count: number): void;
  /** Round trip of the first connection as the browser measures it (ICE, the lowest reading), or null if unknown. */
  pathRttMs(): number | null;
}

export interface StripeInputs {
  readonly rttMs: number | null;
  /** Measured share of packets lost, 0–1, or null before it is known. */
  readonly lossFraction: number | null;
  /** Stripes in use now. */
  readonly current: number;
}

/**
 * Rate one association sustains under random loss (the Mathis formula), in bytes per second. A
 * round trip under 1 ms counts as 1 ms: that is as finely as the browser reports it.
 */
export function renoCeiling(rttMs: number, lossFraction: number): number {
  return (((MAX_PAYLOAD_BYTES + DATA_HEADER_BYTES) * 1000) / Math.max(1, rttMs)) * (1.22 / Math.sqrt(lossFraction));
}

/**
 * How many stripes to use: enough that N Reno ceilings reach {@link TARGET_BYTES_PER_SECOND},
 * at most {@link MAX_STRIPES}; 1 on a clean path. A near path keeps its count until the loss is
 * measured: 1 at first, and a later transfer starts where the one before left off. It lowers the
 * count only to 1 or to half or less of the current one, so a noisy loss estimate does not make
 * it flap.
 */
export function chooseStripes({ rttMs, lossFraction, current }: StripeInputs): number {
  if (rttMs === null) return current;
  if (lossFraction === null && rttMs < MIN_STRIPE_RTT_MS) return current;
  const loss = lossFraction ?? ASSUMED_LOSS;
  if (loss < MIN_STRIPE_LOSS) return 1;
  const wanted = Math.min(MAX_STRIPES, Math.max(1, Math.ceil(TARGET_BYTES_PER_SECOND / renoCeiling(rttMs, loss))));
  if (wanted < current && wanted > current / 2) return current;
  return wanted;
}
