/** The figures both ends report: time series that add up, a CRC mismatch that is caught, the reach of a pass under way. */
import { describe, expect, it } from 'vitest';
import { decodeControlMessage, decodeDataPacket, type Manifest } from '../../../shared/protocol/index.ts';
import { Receiver, Sender, TransferSession } from '../../../shared/transfer/index.ts';
import { createMemoryControlLink, createMemoryPacketLink } from '../../doubles/memory-link.ts';
import { VirtualTime } from '../../doubles/virtual-time.ts';
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

describe('the pass under way', () => {
  it('counts as sent what lies up to the highest sequence seen in it, in any arrival order, in the first pass and in repairs', () => {
    const time = new VirtualTime();
    const packets: Uint8Array[] = [];
    let manifest: Manifest | undefined;
    const sender = new Sender(randomImage(100, 100, bgr, 4), {
      transferId: 3,
      fileName: 'r.bmp',
      payloadBytes: 300,
      repairRounds: 2,
      control: {
        send: (bytes) => {
          const message = decodeControlMessage(bytes);
          if (message.type === 'manifest') manifest = message;
        },
      },
      packets: { send: (bytes) => packets.push(bytes.slice()), bufferedAmount: 0, onceBufferedAmountLow: (_, callback) => callback() },
      now: time.now,
      schedule: time.schedule,
    });
    sender.start();
    time.run();
    const receipts: Uint8Array[] = [];
    const receiver = new Receiver(manifest!, { control: { send: (bytes) => receipts.push(bytes) }, packets: { send: () => {} }, now: time.now, schedule: time.schedule });
    for (const sequence of [4, 2, 0, 9, 7]) receiver.handlePacket(decodeDataPacket(packets[sequence]!));
    expect(receiver.stats).toMatchObject({ passSent: 10, passMissing: 5, arrivedInEndedPasses: 0 });
    receiver.handleEndOfPass({ type: 'end-of-pass', transferId: 3, round: 0, sent: packets.length, simulatedDrops: new Uint32Array() });
    time.run();
    expect(receipts).toHaveLength(1);
    expect(receiver.stats).toMatchObject({ passSent: 0, passMissing: 0, arrivedInEndedPasses: 5, senderAttempted: packets.length });
    // The repair round resends every sequence but 0, 2, 4, 7 and 9: 36 of them lie below 41.
    receiver.handlePacket(decodeDataPacket(packets[40]!));
    expect(receiver.stats).toMatchObject({ passSent: 36, passMissing: 35 });
  });
});
