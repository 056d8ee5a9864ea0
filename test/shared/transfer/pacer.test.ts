/** The pacer alone, and whole transfers paced by it over the in-memory link, in virtual time. */
import { describe, expect, it } from 'vitest';
import { Pacer, WINDOW_TIMEOUT_MS } from '../../../shared/transfer/index.ts';
import { CRUISE_GAIN, RATE_WINDOW_MS } from '../../../shared/transfer/pacer.ts';
import { randomImage } from './arbitraries.ts';
import { connectPair } from './harness.ts';

const bgr = { kind: 'bgr', bitsPerPixel: 24 } as const;
const packetBytes = 1150;

function pacer(adaptive = true): Pacer {
  return new Pacer({ packetBytes, windowPackets: 400, minFlightPackets: 128, highWaterMark: 64 * 1024, lowWaterMark: 16 * 1024, adaptive });
}

describe('Pacer', () => {
  it('holds the fixed gates: window, then buffer', () => {
    const p = pacer(false);
    expect(p.decide(0, 399, 0)).toEqual({ kind: 'send' });
    expect(p.decide(0, 400, 0)).toEqual({ kind: 'window', timeoutMs: WINDOW_TIMEOUT_MS });
    expect(p.decide(0, 10, 64 * 1024 + 1)).toEqual({ kind: 'buffer', threshold: 16 * 1024 });
  });

  it('starts with two report intervals on their way and grows that by what is acknowledged, up to the window', () => {
    const p = pacer();
    expect(p.estimate).toMatchObject({ deliveryBytesPerSecond: 0, rttMs: null, lossFraction: null, pacingBytesPerSecond: null, flightPackets: 128 });
    expect(p.decide(0, 127, 0)).toEqual({ kind: 'send' });
    expect(p.decide(0, 128, 0)).toEqual({ kind: 'window', timeoutMs: WINDOW_TIMEOUT_MS });
    p.acknowledged(40, 100, 0);
    expect(p.estimate.flightPackets).toBe(228);
    p.acknowledged(80, 200, 40);
    expect(p.estimate.flightPackets).toBe(400);
  });

  it('measures delivery rate, round trip and loss from reports, then paces near that rate with about two round trips in flight', () => {
    const p = pacer();
    // Reports every 10 ms, each moving the reach by 100 packets of which 64 arrived (its
    // report included): 11.5 MB/s through, 36 % behind the reach unvouched.
    for (let t = 0; t <= 1000; t += 10) {
      p.acknowledged(t, 100, t - 20);
      p.reported(100, 64);
    }
    const e = p.estimate;
    expect(e.deliveryBytesPerSecond).toBeCloseTo(100 * packetBytes * 100, -3);
    expect(e.rttMs).toBe(20);
    // (1 − p)² = 0.64: p = 0.2.
    expect(e.lossFraction).toBeCloseTo(0.2, 2);
    // The rate stopped growing long ago: cruising at 1.25 × the delivery rate.
    expect(e.pacingBytesPerSecond).toBeCloseTo(1.25 * e.deliveryBytesPerSecond, -3);
    // Bandwidth-delay product 11.5 MB/s × 20 ms = 200 packets; two of them, capped by the window.
    expect(e.flightPackets).toBe(400);
    const slow = pacer();
    for (let t = 0; t <= 1000; t += 100) {
      slow.acknowledged(t, 10, t - 50);
      slow.reported(10, 10);
    }
    // 115 kB/s × 50 ms is 5 packets: twice that, plus two report intervals (no loss measured).
    expect(slow.estimate.flightPackets).toBe(10 + 128);
  });

  it('backs off once the path congests: within the rate window, to a little over what it now delivers', () => {
    const p = pacer();
    // 3 s at 11.5 MB/s: 100 packets reported every 10 ms, 20 ms round trip.
    for (let t = 0; t <= 3000; t += 10) p.acknowledged(t, 100, t - 20);
    const before = p.estimate;
    expect(before.pacingBytesPerSecond).toBeCloseTo(CRUISE_GAIN * 100 * packetBytes * 100, -3);
    // Then the path carries a quarter of that (others' traffic took the rest), with a longer queue.
    const congested = 25 * packetBytes * 100;
    for (let t = 3010; t <= 3000 + RATE_WINDOW_MS / 2; t += 10) p.acknowledged(t, 25, t - 60);
    // Half a window on, the best recent rate still stands: a short dip is not congestion.
    expect(p.estimate.deliveryBytesPerSecond).toBeCloseTo(before.deliveryBytesPerSecond, -3);
    for (let t = 3000 + RATE_WINDOW_MS / 2 + 10; t <= 3000 + RATE_WINDOW_MS + 100; t += 10) p.acknowledged(t, 25, t - 60);
    const after = p.estimate;
    expect(after.deliveryBytesPerSecond).toBeCloseTo(congested, -3);
    expect(after.pacingBytesPerSecond).toBeCloseTo(CRUISE_GAIN * congested, -3);
    // The shortest round trip is still 20 ms: 2.9 MB/s × 20 ms is 50 packets, twice that plus two report intervals.
    expect(after.flightPackets).toBe(2 * 50 + 128);
    expect(after.flightPackets).toBeLessThan(before.flightPackets);
  });

  it('spaces packets at the pacing rate, letting a short burst through', () => {
    const p = pacer();
    for (let t = 0; t <= 1000; t += 100) p.acknowledged(t, 10, t - 50);
    const rate = p.estimate.pacingBytesPerSecond!;
    let sent = 0;
    let t = 1000;
    while (t < 2000) {
      const d = p.decide(t, 0, 0);
      if (d.kind === 'send') {
        p.sent(packetBytes);
        sent++;
      } else {
        expect(d.kind).toBe('rate');
        if (d.kind === 'rate') t += d.waitMs;
      }
    }
    // One second at the pacing rate, plus the first burst of 8 packets.
    expect(sent * packetBytes).toBeGreaterThan(rate * 0.95);
    expect(sent * packetBytes).toBeLessThan(rate * 1.05 + 8 * packetBytes);
  });

  it('without adaptation keeps only the fixed gates', () => {
    const p = pacer(false);
    for (let t = 0; t <= 1000; t += 100) p.acknowledged(t, 10, t - 50);
    expect(p.estimate.pacingBytesPerSecond).toBeNull();
    expect(p.estimate.flightPackets).toBe(400);
    for (let i = 0; i < 300; i++) expect(p.decide(1000, i, 0)).toEqual({ kind: 'send' });
  });
});

describe('paced transfers', () => {
  // A path slower than the sender: 0.5 MB/s with 20 ms each way; everything beyond the path's
  // rate waits in the channel's queue, as it waits in SCTP's.
  const path = { bytesPerMs: 500, latencyMs: 20 };

  function run(adaptivePacing: boolean) {
    const pair = connectPair(path, {}, 20);
    const image = randomImage(1200, 900, bgr, 11);
    const sender = pair.alice.send(image, { fileName: 'p.bmp', adaptivePacing });
    let queuePeakLate = 0;
    for (let t = 0; sender.state === 'preparing' || sender.state === 'sending'; t += 1) {
      pair.time.run(t);
      // Once the pacer has measured the path and left its startup.
      if (t > 3000) queuePeakLate = Math.max(queuePeakLate, pair.link.bufferedAmount);
    }
    pair.time.run();
    return { sender, receiver: pair.received[0]!, queuePeakLate };
  }

  it('keeps the queue short on a slow path, without losing throughput', () => {
    const paced = run(true);
    const fixed = run(false);
    expect(paced.receiver.state).toBe('complete');
    expect(fixed.receiver.state).toBe('complete');
    // The fixed window keeps nearly all of its 512 KiB in the queue; paced, two round trips'
    // worth plus two report intervals (the shortest round trip seen includes the queue the
    // startup built, 190 ms).
    expect(fixed.queuePeakLate).toBeGreaterThan(400 * 1024);
    expect(paced.queuePeakLate).toBeLessThan(fixed.queuePeakLate * 0.6);
    expect(paced.sender.stats.elapsedMs).toBeLessThan(fixed.sender.stats.elapsedMs * 1.1);
    const path = paced.sender.stats.path;
    expect(path.deliveryBytesPerSecond).toBeGreaterThan(0.8 * 500_000);
    expect(path.deliveryBytesPerSecond).toBeLessThan(1.3 * 500_000);
    expect(path.lossFraction).toBeCloseTo(0, 2);
  });
});
