/** The figures the statistics panel shows for one transfer, on either side. */

export interface TransferStats {
  /** Data packets put on the channel (or dropped there by the simulation), repairs included. */
  sent: number;
  /** Distinct data packets that arrived. */
  received: number;
  /** Packets still missing, split by who dropped them. */
  lostBySimulation: number;
  lostByNetwork: number;
  duplicates: number;
  /** Packets that arrived after one with a higher sequence number. */
  reordered: number;
  /** Packets in one full pass over the image. */
  packetCount: number;
  /** Pixel bytes moved so far, for throughput. */
  bytes: number;
  elapsedMs: number;
}

export const EMPTY_STATS: TransferStats = {
  sent: 0,
  received: 0,
  lostBySimulation: 0,
  lostByNetwork: 0,
  duplicates: 0,
  reordered: 0,
  packetCount: 0,
  bytes: 0,
  elapsedMs: 0,
};

/** Loss as a share of one full pass, in percent. */
export function lossPercent(lost: number, stats: TransferStats): number {
  return stats.packetCount > 0 ? (lost / stats.packetCount) * 100 : 0;
}

/** Decimal megabytes per second, as network tools count them. */
export function throughputMBps(stats: TransferStats): number {
  return stats.elapsedMs > 0 ? stats.bytes / 1000 / stats.elapsedMs : 0;
}
