import { describe, expect, it } from 'vitest';
import type { ReceiverStats, SenderStats } from '../../../shared/transfer/index.ts';
import { lossPercent, lostPackets, receiverStats, senderStats } from '../../../web/src/lib/transfer-stats.ts';

const SENDER: SenderStats = {
  expected: 100,
  packetsSent: 98,
  simulatedDrops: 12,
  repairResends: 10,
  bytes: 0,
  elapsedMs: 500,
  throughputBytesPerSecond: 2_000_000,
  rounds: 1,
  stripes: 1,
  path: { deliveryBytesPerSecond: 0, rttMs: null, lossFraction: null, pacingBytesPerSecond: null, flightPackets: 455 },
};

describe('senderStats', () => {
  it('counts simulated drops live and the network loss only once the verdict says what arrived', () => {
    const live = senderStats(SENDER);
    expect(live).toMatchObject({ sent: 110, received: 0, lostBySimulation: 12, lostByNetwork: 0 });
    // 113 transmissions, 100 distinct arrivals, 12 dropped on purpose: the network lost 1.
    const final = senderStats({ ...SENDER, packetsSent: 101, simulatedDrops: 12, received: 100 });
    expect(final).toMatchObject({ sent: 113, received: 100, lostBySimulation: 12, lostByNetwork: 1 });
    expect(lostPackets(final)).toBe(13);
    expect(lossPercent(13, final)).toBeCloseTo((13 / 113) * 100, 10);
  });
});

const RECEIVER: ReceiverStats = {
  expected: 100,
  received: 85,
  missing: 15,
  lostBySimulation: 10,
  lostByNetwork: 5,
  senderAttempted: 100,
  simulatedDrops: 10,
  duplicates: 0,
  reordered: 3,
  firstPassReach: 100,
  malformed: 0,
  stale: 0,
  bytes: 0,
  payloadBytes: 0,
  goodputBytesPerSecond: 1_000_000,
  elapsedMs: 100,
  rounds: 0,
  missingPixels: 0,
};

describe('receiverStats', () => {
  it('estimates the loss of a first pass in progress from the highest sequence seen', () => {
    const stats = receiverStats({ ...RECEIVER, received: 40, firstPassReach: 50, senderAttempted: 0, simulatedDrops: 0 });
    expect(stats).toMatchObject({ sent: 50, received: 40, lostBySimulation: 0, lostByNetwork: 0, lostNotYetAttributed: 10 });
    expect(lostPackets(stats)).toBe(10);
  });

  it('splits the loss of ended passes into simulation and network', () => {
    const stats = receiverStats(RECEIVER);
    expect(stats).toMatchObject({ sent: 100, received: 85, lostBySimulation: 10, lostByNetwork: 5, lostNotYetAttributed: 0, reordered: 3 });
  });
});
