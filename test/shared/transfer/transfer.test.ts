/** Whole transfers between two sessions over the seeded in-memory link, in virtual time. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crc32,
  decodeControlMessage,
  decodeDataPacket,
  encodeControlMessage,
  encodeManifest,
  MessageType,
  packetCountFor,
  PROGRESS_EVERY_PACKETS,
  type ControlMessage,
  type ScanOrderKind,
} from '../../../shared/protocol/index.ts';
import { DEFAULT_WINDOW_BYTES, Receiver, Sender, TransferSession, WINDOW_TIMEOUT_MS } from '../../../shared/transfer/index.ts';
import { lostPackets, receiverStats } from '../../../web/src/lib/transfer-stats.ts';
import { createMemoryPacketLink } from '../../doubles/memory-link.ts';
import { VirtualTime } from '../../doubles/virtual-time.ts';
import { rowBytes } from '../../../shared/pixels/pixel-format.ts';
import { nativeImage, randomImage } from './arbitraries.ts';
import { sameBytes } from './pixels.ts';
import { connectPair, isDataPacket, transfer } from './harness.ts';

const bgr = { kind: 'bgr', bitsPerPixel: 24 } as const;
const orders: ScanOrderKind[] = ['rows', 'interlaced', 'scattered'];

describe('transfer over a perfect link', () => {
  it.each(orders)('%s: ends complete with the CRC verified and identical pixels', (scanOrder) => {
    const image = randomImage(97, 61, bgr, 1);
    const { sender, receiver } = transfer(image, { scanOrder });
    expect(receiver.state).toBe('complete');
    expect(sender.state).toBe('complete');
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
    expect(crc32(receiver.image.pixels)).toBe(receiver.manifest.crc32);
    expect(receiver.stats).toMatchObject({ received: receiver.manifest.packetCount, missing: 0, duplicates: 0, malformed: 0 });
    expect(receiver.manifest.fileName).toBe('test.bmp');
  });
});

describe('loss accounting', () => {
  it('without repair, splits the missing packets exactly into simulated and network losses', () => {
    const image = randomImage(300, 200, bgr, 2);
    const { sender, receiver, pair } = transfer(
      image,
      { scanOrder: 'scattered', loss: { kind: 'bernoulli', p: 0.1, seed: 5 } },
      { loss: { kind: 'bernoulli', p: 0.05, seed: 9 } },
    );
    const r = receiver.stats;
    const s = sender.stats;
    expect(receiver.state).toBe('incomplete');
    expect(sender.state).toBe('incomplete');
    expect(r.lostBySimulation).toBe(s.simulatedDrops);
    expect(r.lostByNetwork).toBe(pair.link.lost);
    expect(r.received + r.lostBySimulation + r.lostByNetwork).toBe(r.expected);
    expect(r.simulatedDrops).toBe(s.simulatedDrops);
    expect(r.senderAttempted).toBe(s.packetsSent + s.simulatedDrops);
    expect(s).toMatchObject({ received: r.received, lostBySimulation: r.lostBySimulation, lostByNetwork: r.lostByNetwork });
    expect(s.simulatedDrops).toBeGreaterThan(0);
    expect(pair.link.lost).toBeGreaterThan(0);
  });

  it('for any loss on both sides, with or without repair, both ends report the same exact split', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...orders),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer(),
        (scanOrder, simulated, network, repairRounds, seed) => {
          const image = randomImage(90, 70, bgr, seed);
          const { sender, receiver, pair } = transfer(
            image,
            { scanOrder, payloadBytes: 200, repairRounds, loss: { kind: 'bernoulli', p: simulated, seed } },
            { loss: { kind: 'bernoulli', p: network, seed: seed + 1 } },
          );
          const r = receiver.stats;
          const s = sender.stats;
          expect(r.received + r.lostBySimulation + r.lostByNetwork).toBe(r.expected);
          expect(s).toMatchObject({ received: r.received, lostBySimulation: r.lostBySimulation, lostByNetwork: r.lostByNetwork });
          expect(r.senderAttempted).toBe(s.packetsSent + s.simulatedDrops);
          expect(r.rounds).toBe(s.rounds);
          // Every packet the link lost was either resent later or is counted as lost by the network.
          expect(r.lostByNetwork).toBeLessThanOrEqual(pair.link.lost);
          if (repairRounds === 0) expect(r.lostByNetwork).toBe(pair.link.lost);
          expect(receiver.state).toBe(r.received === r.expected ? 'complete' : 'incomplete');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts duplicates and reordering the link causes', () => {
    const image = randomImage(200, 100, bgr, 3);
    const { receiver, pair } = transfer(image, { scanOrder: 'rows' }, { duplicateProbability: 0.1, jitterMs: 5, seed: 4 });
    expect(receiver.state).toBe('complete');
    expect(receiver.stats.duplicates).toBe(pair.link.duplicated);
    expect(receiver.stats.reordered).toBeGreaterThan(0);
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
  });
});

describe('repair', () => {
  it('at 20 % simulated loss ends pixel-exact, CRC verified, with both ends agreeing', () => {
    const image = randomImage(512, 512, bgr, 4);
    const { sender, receiver } = transfer(image, {
      scanOrder: 'scattered',
      repairRounds: 10,
      loss: { kind: 'bernoulli', p: 0.2, seed: 11 },
    });
    expect(receiver.state).toBe('complete');
    expect(sender.state).toBe('complete');
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
    const s = sender.stats;
    const r = receiver.stats;
    expect(r.rounds).toBe(s.rounds);
    expect(r.rounds).toBeGreaterThan(0);
    expect(r.senderAttempted).toBe(s.packetsSent + s.simulatedDrops);
    expect(r.simulatedDrops).toBe(s.simulatedDrops);
    expect(s.repairResends).toBe(s.packetsSent + s.simulatedDrops - r.expected);
    expect(s).toMatchObject({ received: r.expected, lostBySimulation: 0, lostByNetwork: 0 });
  });

  it('always ends exact when the link eventually delivers (any image, order, loss)', () => {
    fc.assert(
      fc.property(
        nativeImage,
        fc.constantFrom(...orders),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.integer(),
        (image, scanOrder, p, seed) => {
          // 40 rounds at p ≤ 0.6 leave a packet missing with probability 0.6^41: never, in practice.
          const { sender, receiver } = transfer(
            image,
            { scanOrder, payloadBytes: 64, repairRounds: 40, loss: { kind: 'bernoulli', p, seed } },
            { loss: { kind: 'gilbert-elliott', pGoodToBad: 0.05, pBadToGood: 0.5, lossGood: 0, lossBad: 0.5, seed } },
          );
          expect(receiver.state).toBe('complete');
          expect(sender.state).toBe('complete');
          expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stops after the allowed rounds and reports what is still missing', () => {
    const image = randomImage(100, 100, bgr, 6);
    const { sender, receiver } = transfer(image, { repairRounds: 1, loss: { kind: 'bernoulli', p: 0.9, seed: 3 } });
    expect(receiver.state).toBe('incomplete');
    expect(sender.state).toBe('incomplete');
    expect(receiver.stats.rounds).toBe(1);
    expect(receiver.stats.lostBySimulation).toBe(receiver.stats.missing);
    expect(sender.stats.lostBySimulation).toBe(receiver.stats.missing);
  });
});

describe('coarse first pass', () => {
  // 400 × 300 in 40-pixel packets (120 bytes at 24 bits): 3,000 packets, of which the first
  // 48 carry Adam7's first pass (50 × 38 pixels).
  const image = randomImage(400, 300, bgr, 40);
  const COARSE_PACKETS = 48;

  it('with repair, resends lost coarse packets before the rest of an interlaced image has gone out', () => {
    // 390 kB at 500 bytes/ms: the image takes about 780 ms to go out once.
    const pair = connectPair({ latencyMs: 20, bytesPerMs: 500, loss: { kind: 'bernoulli', p: 0.05, seed: 8 } }, {}, 20);
    const sender = pair.alice.send(image, { fileName: 'c.bmp', scanOrder: 'interlaced', payloadBytes: 120, repairRounds: 3 });
    let coarseAt = -1;
    let receivedThen = 0;
    let coarseLost = 0;
    for (let at = 0; coarseAt < 0 && at < 5_000; at += 5) {
      pair.time.run(at);
      const receiver = pair.received[0];
      if (receiver && receiver.stats.lostByNetwork > coarseLost) coarseLost = receiver.stats.lostByNetwork;
      if (receiver && (receiver.missingSequences()[0] ?? Infinity) >= COARSE_PACKETS) {
        coarseAt = at;
        receivedThen = receiver.stats.received;
      }
    }
    pair.time.run();
    const receiver = pair.received[0]!;
    expect(receiver.manifest.packetCount).toBe(3_000);
    expect(coarseLost).toBeGreaterThan(0);
    expect(coarseAt).toBeGreaterThan(0);
    expect(coarseAt).toBeLessThan(250);
    expect(receivedThen).toBeLessThan(receiver.manifest.packetCount / 4);
    expect(receiver.state).toBe('complete');
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
    // The manifest allows a round more for the coarse pass, and neither end counts it as a repair.
    expect(receiver.manifest.repairRounds).toBe(4);
    expect(sender.stats.rounds).toBe(receiver.stats.rounds);
    expect(sender.stats.rounds).toBeGreaterThan(0);
    expect(sender.stats).toMatchObject({ received: 3_000, lostByNetwork: 0 });
  });

  it('counts as lost only the coarse packets that went out, and resends them ahead of the packets not yet sent', () => {
    const time = new VirtualTime();
    const sent: Uint8Array[] = [];
    const messages: ControlMessage[] = [];
    const sender = new Sender(image, {
      transferId: 5,
      fileName: 'd.bmp',
      scanOrder: 'interlaced',
      payloadBytes: 120,
      repairRounds: 2,
      control: { send: (bytes) => messages.push(decodeControlMessage(bytes)) },
      packets: { send: (bytes) => void (isDataPacket(bytes) && sent.push(bytes.slice())), bufferedAmount: 0, onceBufferedAmountLow: (_, callback) => callback() },
      now: time.now,
      schedule: time.schedule,
    });
    sender.start();
    time.run();
    const [manifest, endOfPass] = messages;
    if (manifest?.type !== 'manifest' || endOfPass?.type !== 'end-of-pass') throw new Error('expected a manifest and an end-of-pass');
    expect(endOfPass).toMatchObject({ round: 0, sent: COARSE_PACKETS });
    expect(sent).toHaveLength(COARSE_PACKETS);
    expect(sender.state).toBe('waiting');

    const answers: ControlMessage[] = [];
    const receiver = new Receiver(manifest, {
      control: { send: (bytes) => answers.push(decodeControlMessage(bytes)) },
      packets: { send: () => {} },
      now: time.now,
      schedule: time.schedule,
    });
    for (const bytes of sent) {
      const packet = decodeDataPacket(bytes);
      if (packet.sequence !== 3 && packet.sequence !== 17) receiver.handlePacket(packet);
    }
    receiver.handleEndOfPass(endOfPass);
    time.run();
    const receipt = answers[0];
    if (receipt?.type !== 'receipt') throw new Error('expected a receipt');
    expect(receipt.missing.length).toBe(2 + 3_000 - COARSE_PACKETS);
    expect(Array.from(receipt.missing.subarray(0, 3))).toEqual([3, 17, COARSE_PACKETS]);
    expect(receiver.stats).toMatchObject({ senderAttempted: COARSE_PACKETS, arrivedInEndedPasses: COARSE_PACKETS - 2, lostByNetwork: 2, lostBySimulation: 0, rounds: 0 });
    expect(lostPackets(receiverStats(receiver.stats))).toBe(2);

    sent.length = 0;
    sender.handleReceipt(receipt);
    time.run();
    expect(sent.slice(0, 3).map((bytes) => decodeDataPacket(bytes).sequence)).toEqual([3, 17, COARSE_PACKETS]);
    expect(sender.stats.rounds).toBe(0);
  });

  it('is not split off without repair, nor for the other orders', () => {
    for (const [scanOrder, repairRounds] of [['interlaced', 0], ['rows', 3], ['scattered', 3]] as const) {
      const { receiver } = transfer(image, { scanOrder, payloadBytes: 120, repairRounds });
      expect(receiver.manifest.repairRounds).toBe(repairRounds);
      expect(receiver.stats).toMatchObject({ senderAttempted: 3_000, rounds: 0 });
    }
  });
});

describe('pacing', () => {
  it('never lets the channel hold more than the high-water mark plus one packet', () => {
    const pair = connectPair({ bytesPerMs: 1000 });
    let peak = 0;
    const image = randomImage(400, 300, bgr, 7);
    const sender = pair.alice.send(image, { fileName: 'a.bmp', highWaterMark: 64 * 1024, lowWaterMark: 16 * 1024 });
    for (let t = 0; sender.state === 'preparing' || sender.state === 'sending'; t += 1) {
      pair.time.run(t);
      peak = Math.max(peak, pair.link.bufferedAmount);
    }
    pair.time.run();
    expect(peak).toBeGreaterThan(16 * 1024);
    expect(peak).toBeLessThanOrEqual(64 * 1024 + 1150);
    expect(pair.received[0]!.state).toBe('complete');
  });

  it('keeps at most the window on its way, however fast the channel would take more', () => {
    // A fast link with a long delay (both channels): without the window the buffer's marks alone
    // would let a megabyte out before the first packet arrives.
    const pair = connectPair({ bytesPerMs: 100_000, latencyMs: 20 }, {}, 20);
    const windowBytes = 200 * 1024;
    const windowPackets = Math.floor(windowBytes / 1150);
    const sender = pair.alice.send(randomImage(800, 600, bgr, 3), { fileName: 'w.bmp', windowBytes });
    let peak = 0;
    for (let t = 0; sender.state === 'preparing' || sender.state === 'sending'; t += 0.5) {
      pair.time.run(t);
      peak = Math.max(peak, sender.stats.packetsSent - pair.link.delivered - pair.link.lost);
    }
    pair.time.run();
    expect(peak).toBeLessThanOrEqual(windowPackets);
    expect(peak).toBeGreaterThan(windowPackets - PROGRESS_EVERY_PACKETS);
    expect(pair.received[0]!.state).toBe('complete');
    // Each report opened the window in time: not one wait ran into the timeout.
    expect(sender.stats.elapsedMs).toBeLessThan(WINDOW_TIMEOUT_MS);
  });

  it('keeps to the window in repair rounds too, whose sequences are sparse', () => {
    const pair = connectPair({ loss: { kind: 'bernoulli', p: 0.4, seed: 2 } });
    const image = randomImage(800, 600, bgr, 4);
    const windowBytes = 300 * 1024;
    const windowPackets = Math.floor(windowBytes / 1150);
    const sender = pair.alice.send(image, { fileName: 'r.bmp', repairRounds: 10, windowBytes });
    let peakInRepair = 0;
    for (let t = 0; sender.state !== 'complete' && sender.state !== 'incomplete'; t += 0.5) {
      pair.time.run(t);
      // Every packet of an earlier round has arrived or been lost before its receipt came back.
      if (sender.stats.rounds > 0) peakInRepair = Math.max(peakInRepair, sender.stats.packetsSent - pair.link.delivered - pair.link.lost);
    }
    const receiver = pair.received[0]!;
    expect(receiver.state).toBe('complete');
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
    // The first repair round resends about 40 % of 1,264 packets, about twice the window.
    expect(peakInRepair).toBeLessThanOrEqual(windowPackets);
    expect(peakInRepair).toBeGreaterThan(windowPackets - PROGRESS_EVERY_PACKETS);
    expect(sender.stats.elapsedMs).toBeLessThan(WINDOW_TIMEOUT_MS);
  });

  it("counts the simulation's drops as off the way: a pass that drops every packet never waits", () => {
    const image = randomImage(800, 600, bgr, 5);
    const { sender, receiver } = transfer(image, { loss: { kind: 'bernoulli', p: 1, seed: 1 } });
    expect(sender.stats.simulatedDrops).toBe(receiver.manifest.packetCount);
    expect(receiver.stats).toMatchObject({ received: 0, lostBySimulation: receiver.manifest.packetCount });
    expect(sender.stats.elapsedMs).toBeLessThan(WINDOW_TIMEOUT_MS);
  });

  it('goes on after the window timeout when no progress comes, and repair brings back the rest', () => {
    // A receiver whose progress reports are all lost (or a peer that never sends them).
    const packets = { send: () => {}, bufferedAmount: 0, onceBufferedAmountLow: (_: number, callback: () => void) => callback() };
    const pair = connectPair({}, { packets });
    const image = randomImage(800, 600, bgr, 6);
    const sender = pair.alice.send(image, { fileName: 'p.bmp', repairRounds: 1 });
    pair.time.run();
    const receiver = pair.received[0]!;
    expect(receiver.state).toBe('complete');
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
    const windowPackets = Math.floor(DEFAULT_WINDOW_BYTES / 1150);
    const waits = Math.floor((receiver.manifest.packetCount - 1) / windowPackets);
    expect(waits).toBeGreaterThan(0);
    expect(sender.stats.elapsedMs).toBeGreaterThanOrEqual(waits * WINDOW_TIMEOUT_MS);
    expect(sender.stats.elapsedMs).toBeLessThan((waits + 1) * WINDOW_TIMEOUT_MS);
  });

  it('loses no time to a lost progress report: the next one opens the window', () => {
    // Reports travel on the unreliable channel; on the ordered control channel a lost one held
    // every later report back until SCTP resent it, about 400 ms in Chromium at 5 % loss. The
    // default window holds seven reports' worth of packets, so only six lost in a row would stall.
    const backLink = { loss: { kind: 'bernoulli', p: 0.3, seed: 4 } } as const;
    const pair = connectPair({ bytesPerMs: 100_000, latencyMs: 5 }, {}, 5, backLink);
    const image = randomImage(800, 600, bgr, 7);
    const sender = pair.alice.send(image, { fileName: 'l.bmp' });
    pair.time.run();
    expect(pair.received[0]!.state).toBe('complete');
    expect(pair.backLink.lost).toBeGreaterThan(3);
    expect(sender.stats.elapsedMs).toBeLessThan(WINDOW_TIMEOUT_MS);
  });

  it('keeps to the rate limit', () => {
    const image = randomImage(200, 200, bgr, 8);
    const { sender } = transfer(image, { rateLimit: 1_000_000 }, { bytesPerMs: 100_000 });
    const s = sender.stats;
    // 1 MB/s: the bytes take at least bytes / 1000 ms to go out.
    expect(s.elapsedMs).toBeGreaterThanOrEqual(s.bytes / 1000 - 2);
    expect(s.throughputBytesPerSecond).toBeLessThanOrEqual(1_050_000);
  });
});

describe('sessions', () => {
  it('runs transfers in both directions at once with overlapping ids', () => {
    const pair = connectPair();
    const toBob = randomImage(50, 40, bgr, 9);
    const toAlice = randomImage(30, 20, { kind: 'indexed', bitsPerPixel: 1, palette: new Uint8Array(8) }, 10);
    const a = pair.alice.send(toBob, { fileName: 'b.bmp' });
    const b = pair.bob.send(toAlice, { fileName: 'a.bmp' });
    pair.time.run();
    expect(a.transferId).toBe(b.transferId);
    expect(a.state).toBe('complete');
    expect(b.state).toBe('complete');
    expect(sameBytes(pair.received[0]!.image.pixels, toBob.pixels)).toBe(true);
    expect(sameBytes(pair.receivedByAlice[0]!.image.pixels, toAlice.pixels)).toBe(true);
  });

  it('cancel from the sender interrupts the receiver; packets after that are stale', () => {
    const pair = connectPair({ bytesPerMs: 500 });
    const sender = pair.alice.send(randomImage(300, 300, bgr, 11), { fileName: 'c.bmp' });
    pair.time.run(20);
    sender.cancel();
    pair.time.run();
    const receiver = pair.received[0]!;
    expect(sender.state).toBe('cancelled');
    expect(receiver.state).toBe('interrupted');
    expect(pair.bob.stats.stale).toBeGreaterThan(0);
    expect(pair.bob.stats.foreign).toBe(0);
  });

  it('runs one transfer after another in a session, each with its own id', () => {
    const pair = connectPair();
    const images = [1, 2, 3].map((seed) => randomImage(40 * seed, 30, bgr, seed));
    const senders = images.map((image, i) => {
      const sender = pair.alice.send(image, { fileName: `${i}.bmp` });
      pair.time.run();
      return sender;
    });
    expect(senders.map((s) => s.transferId)).toEqual([1, 2, 3]);
    expect(senders.map((s) => s.state)).toEqual(['complete', 'complete', 'complete']);
    expect(pair.received.map((r) => r.manifest.fileName)).toEqual(['0.bmp', '1.bmp', '2.bmp']);
    pair.received.forEach((r, i) => expect(sameBytes(r.image.pixels, images[i]!.pixels)).toBe(true));
  });

  it('cancel while the sender is still checksumming sends nothing at all', () => {
    const pair = connectPair();
    const image = randomImage(1500, 1000, bgr, 20);
    const sender = pair.alice.send(image, { fileName: 'g.bmp' });
    expect(sender.state).toBe('preparing');
    sender.cancel();
    pair.time.run();
    expect(sender.state).toBe('cancelled');
    expect(pair.received).toEqual([]);
    expect(pair.link.delivered).toBe(0);
  });

  it('announces the CRC-32 of the native pixels in the manifest', () => {
    const image = randomImage(1500, 1000, bgr, 21);
    const { sender, receiver } = transfer(image);
    expect(sender.manifest.crc32).toBe(crc32(image.pixels));
    expect(receiver.manifest.crc32).toBe(crc32(image.pixels));
    expect(receiver.state).toBe('complete');
  });

  it('with the CRC given, sends the manifest at once and still ends verified', () => {
    const image = randomImage(1500, 1000, bgr, 22);
    const pair = connectPair();
    const sender = pair.alice.send(image, { fileName: 'k.bmp', pixelsCrc32: crc32(image.pixels) });
    expect(sender.state).toBe('sending');
    expect(sender.manifest.crc32).toBe(crc32(image.pixels));
    pair.time.run();
    expect(sender.state).toBe('complete');
    expect(pair.received[0]!.state).toBe('complete');
  });

  it('a wrong CRC given by the caller ends as a CRC mismatch, not as complete', () => {
    const image = randomImage(300, 200, bgr, 23);
    const { sender, receiver } = transfer(image, { pixelsCrc32: (crc32(image.pixels) ^ 1) >>> 0 });
    expect(receiver.state).toBe('incomplete');
    expect(sender.state).toBe('incomplete');
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN])('refuses a given CRC of %s', (crc) => {
    expect(() => connectPair().alice.send(randomImage(10, 10, bgr, 24), { fileName: 'x.bmp', pixelsCrc32: crc })).toThrow(RangeError);
  });

  it("takes a pass message's copy on the packet channel when the control channel is slow to deliver the original", () => {
    // Control messages after the manifest take 400 ms, as a resend after SCTP's retransmission
    // timeout does; packets take 5 ms. Without the copies every repair round would wait 800 ms.
    const time = new VirtualTime();
    const { now, schedule } = time;
    let alice: TransferSession | undefined;
    let bob: TransferSession | undefined;
    const slowControl = (deliver: (bytes: Uint8Array) => void) => ({
      send: (bytes: Uint8Array) => {
        const copy = bytes.slice();
        schedule(() => deliver(copy), copy[1] === MessageType.MANIFEST ? 5 : 400);
      },
    });
    const received: Receiver[] = [];
    const aToB = createMemoryPacketLink({ now, schedule, latencyMs: 5, loss: { kind: 'bernoulli', p: 0.05, seed: 12 }, counts: isDataPacket }, (bytes) => bob!.receivePacket(bytes));
    alice = new TransferSession({ control: slowControl((bytes) => bob!.receiveControl(bytes)), packets: aToB, now, schedule });
    bob = new TransferSession({
      control: slowControl((bytes) => alice!.receiveControl(bytes)),
      packets: createMemoryPacketLink({ now, schedule, latencyMs: 5 }, (bytes) => alice!.receivePacket(bytes)),
      now,
      schedule,
      onIncoming: (receiver) => received.push(receiver),
    });
    const image = randomImage(300, 200, bgr, 30);
    const sender = alice.send(image, { fileName: 'c.bmp', payloadBytes: 300, repairRounds: 5 });
    time.run();
    expect(aToB.lost).toBeGreaterThan(0);
    expect(sender.state).toBe('complete');
    expect(sender.stats.rounds).toBeGreaterThan(0);
    expect(sameBytes(received[0]!.image.pixels, image.pixels)).toBe(true);
    expect(sender.stats.elapsedMs).toBeLessThan(400);
    // The originals came later and changed nothing.
    expect(bob.stats.malformedControl).toBe(0);
    expect(alice.stats.malformedControl).toBe(0);
  });

  it('answers an end-of-pass at once when nothing is missing, and waits for stragglers only when something is', () => {
    const settleMs = 5_000;
    // Control messages slower than packets: every packet of a pass is in before its end-of-pass.
    const whole = connectPair({}, { receiver: { settleMs } }, 20);
    const sender = whole.alice.send(randomImage(300, 200, bgr, 25), { fileName: 'w.bmp', repairRounds: 3 });
    whole.time.run();
    expect(sender.state).toBe('complete');
    expect(sender.stats.elapsedMs).toBeLessThan(settleMs);

    const lossy = connectPair({}, { receiver: { settleMs } }, 20);
    const repaired = lossy.alice.send(randomImage(300, 200, bgr, 26), { fileName: 'l.bmp', repairRounds: 3, loss: { kind: 'bernoulli', p: 0.2, seed: 7 } });
    lossy.time.run();
    expect(repaired.state).toBe('complete');
    expect(repaired.stats.rounds).toBeGreaterThan(0);
    expect(repaired.stats.elapsedMs).toBeGreaterThanOrEqual(settleMs);
  });

  it('gives the verdict as soon as the first pass is all in, before its end-of-pass arrives', () => {
    const controlLatencyMs = 50;
    let endOfPassSentAt = Number.NaN;
    let receiverEndedAt = Number.NaN;
    const pair = connectPair(
      { bytesPerMs: 100 },
      { receiver: { onStateChange: (r) => void (r.state !== 'receiving' && (receiverEndedAt = pair.time.now())) } },
      controlLatencyMs,
    );
    const image = randomImage(300, 200, bgr, 27);
    const sender = pair.alice.send(image, {
      fileName: 'e.bmp',
      repairRounds: 3,
      onStateChange: (s) => void (s.state === 'waiting' && (endOfPassSentAt = pair.time.now())),
    });
    pair.time.run();
    const receiver = pair.received[0]!;
    expect(sender.state).toBe('complete');
    expect(receiver.state).toBe('complete');
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
    // The last packet left the buffer when the end-of-pass went out and arrives 1 ms later.
    expect(receiverEndedAt).toBe(endOfPassSentAt + 1);
    const expected = receiver.manifest.packetCount;
    expect(receiver.stats).toMatchObject({ received: expected, senderAttempted: expected, simulatedDrops: 0, lostByNetwork: 0, lostBySimulation: 0, rounds: 0 });
    expect(sender.stats).toMatchObject({ packetsSent: expected, received: expected, lostByNetwork: 0, lostBySimulation: 0, rounds: 0 });
    // The end-of-pass that crossed the verdict found the transfer ended and changed nothing.
    expect(pair.bob.stats).toMatchObject({ malformedControl: 0, stale: 0 });
  });

  it('answers the first pass the moment its last straggler arrives, without sitting out the settle wait', () => {
    const settleMs = 5_000;
    // Packets take 30 ms, control messages 1 ms: the end-of-pass overtakes the pass's last packets.
    const pair = connectPair({ latencyMs: 30 }, { receiver: { settleMs } }, 1);
    const sender = pair.alice.send(randomImage(300, 200, bgr, 28), { fileName: 's.bmp', repairRounds: 3 });
    pair.time.run();
    const receiver = pair.received[0]!;
    expect(sender.state).toBe('complete');
    expect(sender.stats.elapsedMs).toBeLessThan(100);
    const expected = receiver.manifest.packetCount;
    expect(receiver.stats).toMatchObject({ received: expected, senderAttempted: expected, duplicates: 0, rounds: 0 });
  });

  it('cancel from the receiver stops the sender', () => {
    const pair = connectPair({ bytesPerMs: 500 });
    const sender = pair.alice.send(randomImage(300, 300, bgr, 12), { fileName: 'c.bmp' });
    pair.time.run(20);
    pair.received[0]!.cancel();
    pair.time.run();
    expect(sender.state).toBe('cancelled');
    expect(pair.received[0]!.state).toBe('interrupted');
  });

  it('close() interrupts unfinished transfers', () => {
    const pair = connectPair({ bytesPerMs: 500 });
    const sender = pair.alice.send(randomImage(300, 300, bgr, 13), { fileName: 'c.bmp' });
    pair.time.run(20);
    pair.bob.close();
    pair.alice.close();
    pair.time.run();
    expect(sender.state).toBe('cancelled');
    expect(pair.received[0]!.state).toBe('interrupted');
  });

  it('replays packets that overtook their manifest', () => {
    const pair = connectPair({ latencyMs: 0 });
    const image = randomImage(120, 80, bgr, 19);
    pair.alice.send(image, { fileName: 'f.bmp' });
    pair.time.run();
    const receiver = pair.received[0]!;
    expect(receiver.state).toBe('complete');
    expect(pair.bob.stats.foreign).toBe(0);
    expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
  });

  it('counts foreign and malformed packets without disturbing a transfer', () => {
    const pair = connectPair();
    const image = randomImage(60, 60, bgr, 14);
    pair.alice.send(image, { fileName: 'd.bmp' });
    pair.bob.receivePacket(new Uint8Array([1, 2, 99, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]));
    pair.bob.receivePacket(new Uint8Array([7, 7, 7]));
    pair.time.run();
    expect(pair.bob.stats).toMatchObject({ foreign: 1, malformedPackets: 1 });
    expect(pair.received[0]!.state).toBe('complete');
  });

  it('takes progress reports from the packet channel, and counts a bad one there', () => {
    const pair = connectPair({ bytesPerMs: 100 });
    const image = randomImage(60, 60, bgr, 15);
    const sender = pair.alice.send(image, { fileName: 'e.bmp' });
    while (sender.state !== 'sending') pair.time.run(pair.time.now() + 1);
    const count = packetCountFor(image.width, image.height, 1140, 24);
    pair.alice.receivePacket(encodeControlMessage({ type: 'progress', transferId: sender.transferId, round: 0, reach: count + 1 }));
    pair.alice.receivePacket(encodeControlMessage({ type: 'progress', transferId: 99, round: 0, reach: 1 }));
    pair.time.run();
    expect(pair.alice.stats).toMatchObject({ malformedPackets: 1, malformedControl: 0 });
    expect(sender.state).toBe('complete');
  });

  it('refuses a manifest over the limits before allocating, and tells the sender', () => {
    const pair = connectPair({}, { limits: { maxPixels: 1000, maxPackets: 1 << 20 } });
    const sender = pair.alice.send(randomImage(100, 100, bgr, 15), { fileName: 'big.bmp' });
    pair.time.run();
    expect(pair.received).toEqual([]);
    expect(pair.bob.stats.refused).toBe(1);
    expect(sender.state).toBe('cancelled');
  });
});

describe('allocation', () => {
  it('refuses, and tells the sender, a manifest within the limits that cannot be allocated', () => {
    const sent: Uint8Array[] = [];
    const time = new VirtualTime();
    const errors: string[] = [];
    const session = new TransferSession({
      control: { send: (bytes) => sent.push(bytes) },
      packets: { send: () => {}, bufferedAmount: 0, onceBufferedAmountLow: () => {} },
      now: time.now,
      schedule: time.schedule,
      limits: { maxPixels: 2 ** 32, maxPackets: 2 ** 20 },
      onProtocolError: (error) => errors.push(error.code),
    });
    const side = 60_000;
    session.receiveControl(
      encodeManifest({
        transferId: 4,
        fileName: 'huge.bmp',
        width: side,
        height: side,
        format: { kind: 'indexed', bitsPerPixel: 1, palette: new Uint8Array(8) },
        payloadBytes: 1140,
        packetCount: packetCountFor(side, side, 1140, 1),
        scanOrder: { kind: 'rows' },
        crc32: 0,
        repairRounds: 0,
      }),
    );
    expect(errors).toEqual(['ERR_PROTOCOL_LIMIT_EXCEEDED']);
    expect(session.stats.refused).toBe(1);
    expect(decodeControlMessage(sent[0]!)).toMatchObject({ type: 'cancel', transferId: 4, origin: 1, reason: 2 });
  });
});

describe('receiver views', () => {
  it('reports dirty rectangles covering exactly the rows that landed (rows order)', () => {
    // 100 pixels a row, 100 pixels a packet (300 bytes): packet s is row s. 1,000 bytes/ms: ~3 packets/ms.
    const pair = connectPair({ bytesPerMs: 1000 });
    const image = randomImage(100, 50, bgr, 16);
    pair.alice.send(image, { fileName: 'e.bmp', scanOrder: 'rows', payloadBytes: 300 });
    pair.time.run(1.5);
    const receiver = pair.received[0]!;
    pair.time.run(3);
    const first = receiver.picture!.takeDirtyRects();
    const rowsSoFar = receiver.stats.received;
    expect(rowsSoFar).toBeGreaterThan(0);
    expect(rowsSoFar).toBeLessThan(50);
    expect(first).toEqual([{ x: 0, y: 0, width: 100, height: rowsSoFar }]);
    expect(receiver.picture!.hasDirtyRects).toBe(false);
    expect(receiver.picture!.takeDirtyRects()).toEqual([]);
    pair.time.run();
    expect(receiver.picture!.takeDirtyRects()).toEqual([{ x: 0, y: rowsSoFar, width: 100, height: 50 - rowsSoFar }]);
  });

  it('conceals into a copy and leaves the received RGBA untouched', () => {
    const image = randomImage(64, 64, bgr, 17);
    const { receiver } = transfer(image, { scanOrder: 'scattered', loss: { kind: 'bernoulli', p: 0.2, seed: 1 } });
    const before = receiver.picture!.rgba.slice();
    const concealed = receiver.picture!.displayRgba(true);
    expect(receiver.picture!.rgba).toEqual(before);
    const mask = receiver.picture!.missingPixelMask();
    const words = new Uint32Array(concealed.buffer);
    let filled = 0;
    for (let p = 0; p < mask.length; p++) if (mask[p] && words[p]! >>> 24 === 255) filled++;
    expect(filled).toBe(receiver.stats.missingPixels);
    expect(receiver.picture!.displayRgba(false)).toEqual(before);
  });

  it('keeps 1-bit images at one bit per pixel on the wire', () => {
    const format = { kind: 'indexed', bitsPerPixel: 1, palette: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]) } as const;
    const image = randomImage(800, 600, format, 18);
    const { sender, receiver } = transfer(image, { scanOrder: 'interlaced' });
    expect(receiver.state).toBe('complete');
    expect(sender.stats.packetsSent).toBe(Math.ceil((800 * 600) / (1140 * 8)));
    expect(receiver.stats.payloadBytes).toBe(rowBytes(800, 1) * 600);
  });
});

describe('formats', () => {
  it('transfers every format exactly', () => {
    fc.assert(
      fc.property(nativeImage, fc.constantFrom(...orders), (image, scanOrder) => {
        const { receiver } = transfer(image, { scanOrder, payloadBytes: 37 });
        expect(receiver.state).toBe('complete');
        expect(sameBytes(receiver.image.pixels, image.pixels)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
