/**
 * In-memory channels for tests and benchmarks: a lossy, reordering, duplicating packet
 * link with a bandwidth (so pacing is exercised) and a reliable, ordered control link. Seeded, so
 * every run is the same.
 */
import type { Clock, ControlChannel, PacketChannel, Scheduler } from '../../shared/transfer/channel.ts';
import { createLossModel, type LossModel, type LossSpec } from '../../shared/transfer/loss-model.ts';
import { seededRandom } from '../../shared/transfer/random.ts';

export interface MemoryLinkOptions {
  readonly now: Clock;
  readonly schedule: Scheduler;
  /** Loss on the link itself: what the receiver will count as lost by the network. Default none. */
  readonly loss?: LossSpec;
  /** Seed for jitter and duplication. */
  readonly seed?: number;
  /** One-way delay of every packet. Default 1 ms. */
  readonly latencyMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per packet: packets overtake each other. Default 0. */
  readonly jitterMs?: number;
  /** Probability that a delivered packet is delivered twice. Default 0. */
  readonly duplicateProbability?: number;
  /** Bytes the link puts on the wire per millisecond; default 20,000 (20 MB/s, a fast data channel). */
  readonly bytesPerMs?: number;
  /**
   * Which messages `lost`, `delivered` and `duplicated` count (all travel alike); default every
   * one. A test comparing them with a receiver's data-packet figures counts data packets only.
   */
  readonly counts?: (bytes: Uint8Array) => boolean;
}

export interface MemoryPacketLink extends PacketChannel {
  /** Messages the link itself lost (of those it counts). */
  readonly lost: number;
  readonly delivered: number;
  readonly duplicated: number;
}

/** A packet channel that hands what survives to `deliver` after the link's delay. */
export function createMemoryPacketLink(options: MemoryLinkOptions, deliver: (bytes: Uint8Array) => void): MemoryPacketLink {
  const { now, schedule } = options;
  const loss: LossModel | undefined = options.loss ? createLossModel(options.loss) : undefined;
  const random = seededRandom(options.seed ?? 1);
  const latency = options.latencyMs ?? 1;
  const jitter = options.jitterMs ?? 0;
  const duplicate = options.duplicateProbability ?? 0;
  const bytesPerMs = options.bytesPerMs ?? 20_000;
  const counts = options.counts ?? (() => true);
  let buffered = 0;
  let wireFreeAt = 0;
  const waiters: { threshold: number; callback: () => void }[] = [];
  const stats = { lost: 0, delivered: 0, duplicated: 0 };

  const drained = (): void => {
    for (let i = 0; i < waiters.length; ) {
      if (buffered <= waiters[i]!.threshold) waiters.splice(i, 1)[0]!.callback();
      else i++;
    }
  };

  const link: MemoryPacketLink = {
    get bufferedAmount() {
      return buffered;
    },
    get lost() {
      return stats.lost;
    },
    get delivered() {
      return stats.delivered;
    },
    get duplicated() {
      return stats.duplicated;
    },
    send(bytes) {
      // The sender may reuse its buffer; the wire carries a copy.
      const copy = bytes.slice();
      const counted = counts(copy);
      buffered += copy.length;
      // Transmission time accumulates: the link is busy until the previous packet is out.
      const transmitMs = copy.length / bytesPerMs;
      const departAt = Math.max(now(), wireFreeAt) + transmitMs;
      wireFreeAt = departAt;
      schedule(() => {
        buffered -= copy.length;
        drained();
        if (loss?.()) {
          if (counted) stats.lost++;
          return;
        }
        const arrive = (): void => {
          if (counted) stats.delivered++;
          deliver(copy);
        };
        schedule(arrive, latency + random() * jitter);
        if (random() < duplicate) {
          if (counted) stats.duplicated++;
          schedule(arrive, latency + random() * jitter);
        }
      }, departAt - now());
    },
    onceBufferedAmountLow(threshold, callback) {
      // Like an RTCDataChannel edge that fires at once when already below the threshold.
      if (buffered <= threshold) schedule(callback, 0);
      else waiters.push({ threshold, callback });
    },
  };
  return link;
}

/** A reliable, ordered control channel with a fixed delay. */
export function createMemoryControlLink(
  schedule: Scheduler,
  deliver: (bytes: Uint8Array) => void,
  latencyMs = 1,
): ControlChannel {
  return {
    send(bytes) {
      const copy = bytes.slice();
      schedule(() => deliver(copy), latencyMs);
    },
  };
}
