import { describe, expect, it } from 'vitest';
import type { ReceiverStats, SenderStats } from '../../../shared/transfer/index.ts';
import { lossPercent, lostPackets, receiverStats, senderStats, wirePercent } from '../../../web/src/lib/transfer-stats.ts';

const SENDER: SenderStats = {
  expected: 100,
  packetsSent: 98,
  simulatedDrops: 12,
  repairResends: 10,
  bytes: 0,
  plainBytes: 0,
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
  arrivedInEndedPasses: 85,
  passSent: 0,
  passMissing: 0,
  malformed: 0,
  stale: 0,
  bytes: 0,
  plainBytes: 0,
  payloadBytes: 0,
  goodputBytesPerSecond: 1_000_000,
  elapsedMs: 100,
  rounds: 0,
  missingPixels: 0,
};

describe('receiverStats', () => {
  it('estimates the loss of a first pass in progress from the highest sequence seen', () => {
    const stats = receiverStats({ ...RECEIVER, received: 40, passSent: 50, passMissing: 10, senderAttempted: 0, simulatedDrops: 0, arrivedInEndedPasses: 0 });
    expect(stats).toMatchObject({ sent: 50, received: 40, lostBySimulation: 0, lostByNetwork: 0, lostNotYetAttributed: 10 });
    expect(lostPackets(stats)).toBe(10);
  });

  it('splits the loss of ended passes into simulation and network', () => {
    const stats = receiverStats(RECEIVER);
    expect(stats).toMatchObject({ sent: 100, received: 85, lostBySimulation: 10, lostByNetwork: 5, lostNotYetAttributed: 0, reordered: 3 });
  });

  it('adds a repair round in progress to the loss of the ended passes, without hiding the passes before', () => {
    // 100 sent in the first pass, 85 arrived; the repair round has sent 15 so far, and 2 of them are not here yet.
    const stats = receiverStats({ ...RECEIVER, received: 98, passSent: 15, passMissing: 2, rounds: 1 });
    expect(stats).toMatchObject({ sent: 115, received: 98, lostBySimulation: 10, lostByNetwork: 5, lostNotYetAttributed: 2, repairRounds: 1 });
    expect(lostPackets(stats)).toBe(17);
  });
});

describe('wirePercent', () => {
  it('sets the bytes on the wire against their plain size, on either side, and reads 100 % before any', () => {
    expect(wirePercent(senderStats({ ...SENDER, bytes: 41_000, plainBytes: 100_000 }))).toBeCloseTo(41, 10);
    expect(wirePercent(receiverStats({ ...RECEIVER, bytes: 500, plainBytes: 500 }))).toBe(100);
    expect(wirePercent(senderStats(SENDER))).toBe(100);
  });
});
