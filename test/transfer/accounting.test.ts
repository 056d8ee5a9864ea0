/** The figures both ends report: time series that add up, and a CRC mismatch that is caught. */
import { describe, expect, it } from 'vitest';
import {
  TransferSession,
  VirtualTime,
  createMemoryControlLink,
  createMemoryPacketLink,
  type Receiver,
} from '../../shared/transfer/index.ts';
import { randomImage } from './arbitraries.ts';
import { transfer } from './harness.ts';

const bgr = { kind: 'bgr', bitsPerPixel: 24 } as const;

describe('time series', () => {
  it('per-100 ms samples add up to the totals on both ends', () => {
    const image = randomImage(400, 300, bgr, 1);
    const { sender, receiver } = transfer(
      image,
      { repairRounds: 5, loss: { kind: 'bernoulli', p: 0.1, seed: 2 } },
      { bytesPerMs: 500, duplicateProbability: 0.05, seed: 3 },
    );
    const sent = sender.timeSeries();
    const got = receiver.timeSeries();
    const sum = <T extends object>(rows: T[], key: keyof T): number => rows.reduce((total, row) => total + (row[key] as number), 0);
    const s = sender.stats;
    const r = receiver.stats;
    expect(sum(sent, 'packets')).toBe(s.packetsSent);
    expect(sum(sent, 'bytes')).toBe(s.bytes);
    expect(sum(sent, 'dropped')).toBe(s.simulatedDrops);
    expect(sum(sent, 'resent')).toBe(s.repairResends);
    expect(sum(got, 'packets')).toBe(r.received);
    expect(sum(got, 'duplicates')).toBe(r.duplicates);
    expect(sum(got, 'bytes')).toBe(r.bytes);
    expect(sent.map((row) => row.atMs)).toEqual(sent.map((_, i) => i * 100));
    // 360 kB at 500 bytes/ms: the first pass alone takes over 0.7 s, so there are several samples.
    expect(sent.length).toBeGreaterThan(7);
    expect(s.throughputBytesPerSecond).toBeCloseTo((s.bytes * 1000) / s.elapsedMs, 6);
    expect(r.goodputBytesPerSecond).toBeCloseTo((r.payloadBytes * 1000) / r.elapsedMs, 6);
    expect(r.payloadBytes).toBe(image.pixels.length);
  });
});

describe('CRC verdict', () => {
  it('a payload corrupted in flight ends incomplete on both ends, though every packet arrived', () => {
    const time = new VirtualTime();
    const { now, schedule } = time;
    let receiver: Receiver | undefined;
    let alice: TransferSession | undefined;
    let corrupted = false;
    const bob: TransferSession = new TransferSession({
      control: createMemoryControlLink(schedule, (bytes) => alice!.receiveControl(bytes)),
      packets: createMemoryPacketLink({ now, schedule }, () => {}),
      now,
      schedule,
      onIncoming: (r) => (receiver = r),
    });
    alice = new TransferSession({
      control: createMemoryControlLink(schedule, (bytes) => bob.receiveControl(bytes)),
      packets: createMemoryPacketLink({ now, schedule }, (bytes) => {
        if (!corrupted) {
          bytes[20]! ^= 0x01;
          corrupted = true;
        }
        bob.receivePacket(bytes);
      }),
      now,
      schedule,
    });
    const sender = alice.send(randomImage(50, 50, bgr, 4), { fileName: 'x.bmp', repairRounds: 3 });
    time.run();
    expect(receiver!.stats.missing).toBe(0);
    expect(receiver!.state).toBe('incomplete');
    expect(sender.state).toBe('incomplete');
  });
});
