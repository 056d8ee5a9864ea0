/** The figures the statistics panel shows for one transfer, from either side's engine stats. */
import type { ReceiverStats, SenderStats } from '../../../shared/transfer/index.ts';

export interface TransferStats {
  /** Data packets the sender attempted, simulated drops and repairs included. */
  sent: number;
  /** Distinct data packets that arrived. */
  received: number;
  /**
   * Transmissions that never arrived, over every pass (a packet lost twice and repaired on the
   * third try counts twice), split by who dropped them. Known on the receiver at each end of
   * pass; on the sender the network's share is known from the verdict.
   */
  lostBySimulation: number;
  lostByNetwork: number;
  /** Missing in the pass under way, before its end-of-pass says who dropped them. */
  lostNotYetAttributed: number;
  duplicates: number;
  /** Packets that arrived after one with a higher sequence number in the same pass. */
  reordered: number;
  /** Packets in one full pass over the image. */
  expected: number;
  /** Repair passes run after the first one. */
  repairRounds: number;
  bytesPerSecond: number;
  elapsedMs: number;
  /** Peer connections the packets travel over (the sender's choice); 1 without striping. */
  stripes: number;
  /** Bytes of the data packets on the wire, headers included (sent, or received with duplicates). */
  wireBytes: number;
  /** What `wireBytes` would be with every payload plain: coded packets make the first smaller. */
  plainBytes: number;
}

export const EMPTY_STATS: TransferStats = {
  sent: 0,
  received: 0,
  lostBySimulation: 0,
  lostByNetwork: 0,
  lostNotYetAttributed: 0,
  duplicates: 0,
  reordered: 0,
  expected: 0,
  repairRounds: 0,
  bytesPerSecond: 0,
  elapsedMs: 0,
  stripes: 1,
  wireBytes: 0,
  plainBytes: 0,
};

/**
 * The sender knows what it attempted and what its simulation dropped; what arrived and what
 * the network lost it learns from the receiver's verdict.
 */
export function senderStats(s: SenderStats): TransferStats {
  const sent = s.packetsSent + s.simulatedDrops;
  // The verdict's `received` counts distinct packets; every other transmission was lost.
  const lostByNetwork = s.received === undefined ? 0 : Math.max(0, sent - s.received - s.simulatedDrops);
  return {
    sent,
    received: s.received ?? 0,
    lostBySimulation: s.simulatedDrops,
    lostByNetwork,
    lostNotYetAttributed: 0,
    duplicates: 0,
    reordered: 0,
    expected: s.expected,
    repairRounds: s.rounds,
    bytesPerSecond: s.throughputBytesPerSecond,
    elapsedMs: s.elapsedMs,
    stripes: s.stripes,
    wireBytes: s.bytes,
    plainBytes: s.plainBytes,
  };
}

/**
 * The receiver counts arrivals live; it learns what was sent and lost at each end of pass. For
 * the pass under way, the highest sequence that arrived stands in for what was sent.
 */
export function receiverStats(s: ReceiverStats): TransferStats {
  return {
    sent: s.senderAttempted + s.passSent,
    received: s.received,
    lostBySimulation: s.simulatedDrops,
    lostByNetwork: Math.max(0, s.senderAttempted - s.arrivedInEndedPasses - s.simulatedDrops),
    lostNotYetAttributed: s.passMissing,
    duplicates: s.duplicates,
    reordered: s.reordered,
    expected: s.expected,
    repairRounds: s.rounds,
    bytesPerSecond: s.goodputBytesPerSecond,
    elapsedMs: s.elapsedMs,
    // The receiver's engine does not know the connections; the desk fills this in.
    stripes: 1,
    wireBytes: s.bytes,
    plainBytes: s.plainBytes,
  };
}

export function lostPackets(stats: TransferStats): number {
  return stats.lostBySimulation + stats.lostByNetwork + stats.lostNotYetAttributed;
}

/** Loss as a share of the transmissions sent, in percent. */
export function lossPercent(lost: number, stats: TransferStats): number {
  return stats.sent > 0 ? (lost / stats.sent) * 100 : 0;
}

/** The data packets' bytes on the wire as a share of what they would be plain, in percent (100 before any). */
export function wirePercent(stats: TransferStats): number {
  return stats.plainBytes > 0 ? (stats.wireBytes / stats.plainBytes) * 100 : 100;
}

/** Decimal megabytes per second, as network tools count them. */
export function megabytesPerSecond(stats: TransferStats): number {
  return stats.bytesPerSecond / 1_000_000;
}
