/** How many stripes the sender chooses, and a striped transfer in virtual time. */
import { describe, expect, it } from 'vitest';
import {
  END_OF_PASS_DRAIN_MS,
  MAX_STRIPES,
  TARGET_BYTES_PER_SECOND,
  TransferSession,
  chooseStripes,
  renoCeiling,
  type PacketChannel,
  type StripeControl,
} from '../../../shared/transfer/index.ts';
import { randomImage } from './arbitraries.ts';
import { connectPair } from './harness.ts';

describe('chooseStripes', () => {
  it('keeps the stripes of a LAN or one machine until its loss is measured, and one on a clean one', () => {
    expect(chooseStripes({ rttMs: 0.3, lossFraction: null, current: 1 })).toBe(1);
    expect(chooseStripes({ rttMs: 4, lossFraction: null, current: 1 })).toBe(1);
    expect(chooseStripes({ rttMs: 4, lossFraction: null, current: 3 })).toBe(3);
    expect(chooseStripes({ rttMs: 0.3, lossFraction: 0.001, current: 3 })).toBe(1);
  });

  it('stripes a lossy near path just enough for the target rate', () => {
    for (const [rttMs, lossFraction] of [[0.3, 0.02], [1, 0.05], [4, 0.01]] as const) {
      const n = chooseStripes({ rttMs, lossFraction, current: 1 });
      expect(n).toBeGreaterThan(1);
      expect(n * renoCeiling(rttMs, lossFraction)).toBeGreaterThanOrEqual(TARGET_BYTES_PER_SECOND);
      expect((n - 1) * renoCeiling(rttMs, lossFraction)).toBeLessThan(TARGET_BYTES_PER_SECOND);
    }
  });

  it('keeps one stripe on a distant path without loss: one association fills it', () => {
    expect(chooseStripes({ rttMs: 44, lossFraction: 0, current: 1 })).toBe(1);
    expect(chooseStripes({ rttMs: 44, lossFraction: 0.001, current: 8 })).toBe(1);
  });

  it('stripes as far as it may on a distant lossy path, and assumes loss there until measured', () => {
    expect(chooseStripes({ rttMs: 44, lossFraction: 0.01, current: 1 })).toBe(MAX_STRIPES);
    expect(chooseStripes({ rttMs: 44, lossFraction: 0.05, current: 1 })).toBe(MAX_STRIPES);
    expect(chooseStripes({ rttMs: 44, lossFraction: null, current: 1 })).toBe(MAX_STRIPES);
  });

  it('takes enough stripes for the target on a milder path, and does not flap on a noisy estimate', () => {
    const mild = chooseStripes({ rttMs: 5, lossFraction: 0.003, current: 1 });
    expect(mild).toBeGreaterThan(1);
    expect(mild).toBeLessThan(MAX_STRIPES);
    expect(mild * renoCeiling(5, 0.003)).toBeGreaterThanOrEqual(TARGET_BYTES_PER_SECOND);
    // Slightly less loss than before: keep the stripes already open.
    expect(chooseStripes({ rttMs: 5, lossFraction: 0.0025, current: mild })).toBe(mild);
  });

  it('changes nothing before the round trip is known', () => {
    expect(chooseStripes({ rttMs: null, lossFraction: 0.05, current: 3 })).toBe(3);
  });
});

describe('a sender over a striped channel', () => {
  function control(rttMs: number): StripeControl & { history: number[] } {
    const history: number[] = [];
    return {
      history,
      get count() {
        return history.at(-1) ?? 1;
      },
      get active() {
        return history.at(-1) ?? 1;
      },
      use: (count) => history.push(count),
      pathRttMs: () => rttMs,
    };
  }

  const image = randomImage(1000, 700, { kind: 'bgr', bitsPerPixel: 24 }, 1);

  it('stripes a distant lossy path from the start and keeps to it as the loss is measured', () => {
    const stripes = control(44);
    const pair = connectPair({ latencyMs: 22, loss: { kind: 'bernoulli', p: 0.02, seed: 3 } }, {}, 22, undefined, { stripes });
    const sender = pair.alice.send(image, { fileName: 's.bmp', adaptivePacing: true });
    pair.time.run();
    expect(stripes.history).toEqual([MAX_STRIPES]);
    expect(sender.stats.stripes).toBe(MAX_STRIPES);
    // Reports are lost as often as packets: the estimate corrects for that.
    expect(sender.stats.path.lossFraction).toBeGreaterThan(0.01);
    expect(sender.stats.path.lossFraction).toBeLessThan(0.03);
  });

  it('goes back to one stripe once the reports show no loss', () => {
    const stripes = control(44);
    const pair = connectPair({ latencyMs: 22 }, {}, 22, undefined, { stripes });
    const sender = pair.alice.send(image, { fileName: 's.bmp' });
    pair.time.run();
    expect(stripes.history).toEqual([MAX_STRIPES, 1]);
    expect(sender.stats.stripes).toBe(1);
    expect(pair.received[0]!.state).toBe('complete');
  });

  it('on a near path, stripes only once the reports show loss, and only as far as the target needs', () => {
    const clean = control(1);
    const cleanPair = connectPair({}, {}, 1, undefined, { stripes: clean });
    cleanPair.alice.send(image, { fileName: 's.bmp', adaptivePacing: true });
    cleanPair.time.run();
    expect(clean.history).toEqual([]);

    const stripes = control(1);
    const pair = connectPair({ loss: { kind: 'bernoulli', p: 0.02, seed: 3 } }, {}, 1, undefined, { stripes });
    const sender = pair.alice.send(image, { fileName: 's.bmp', adaptivePacing: true, repairRounds: 5 });
    pair.time.run();
    expect(stripes.history.length).toBeGreaterThan(0);
    expect(Math.max(...stripes.history)).toBeLessThan(MAX_STRIPES);
    expect(sender.stats.stripes).toBe(stripes.history.at(-1));
    expect(pair.received[0]!.state).toBe('complete');
  });

  it('ends its pass even when one stripe never drains: the end-of-pass goes after END_OF_PASS_DRAIN_MS', () => {
    const pair = connectPair({ latencyMs: 22 }, {}, 22);
    // The packets arrive, but one stripe's buffer keeps 5,000 bytes that never leave.
    const stuck: PacketChannel = {
      send: (bytes) => pair.link.send(bytes),
      get bufferedAmount() {
        return pair.link.bufferedAmount;
      },
      queuedAmount: 5_000,
      onceBufferedAmountLow: (threshold, callback) => {
        if (threshold > 0) pair.link.onceBufferedAmountLow(threshold, callback);
      },
    };
    const sending = new TransferSession({ control: { send: (bytes) => pair.bob.receiveControl(bytes) }, packets: stuck, now: pair.time.now, schedule: pair.time.schedule });
    const sender = sending.send(randomImage(300, 200, { kind: 'bgr', bitsPerPixel: 24 }, 2), { fileName: 'd.bmp', pixelsCrc32: 0 });
    let lastSentAt = 0;
    let waitingAt = Number.NaN;
    for (let t = 0; sender.state === 'sending' && t < 10_000; t += 1) {
      const before = sender.stats.packetsSent;
      pair.time.run(t);
      if (sender.stats.packetsSent > before) lastSentAt = t;
    }
    waitingAt = pair.time.now();
    expect(sender.state).toBe('waiting');
    expect(waitingAt - lastSentAt).toBeGreaterThanOrEqual(END_OF_PASS_DRAIN_MS);
    expect(waitingAt - lastSentAt).toBeLessThanOrEqual(END_OF_PASS_DRAIN_MS + 2);
  });

  it('ends its pass though a stalled stripe trickles: it waits four round trips and twice the drain time, not until it is empty', () => {
    // One stripe holds 50,000 bytes and lets 1,150 through every 400 ms: about 17 s to empty.
    // The progress reports come back to the sending session, so it knows the delivery rate.
    const trickle = () => Math.max(0, 50_000 - Math.floor(pair.time.now() / 400) * 1_150);
    const stalled: PacketChannel = {
      send: (bytes) => pair.link.send(bytes),
      get bufferedAmount() {
        return pair.link.bufferedAmount;
      },
      get queuedAmount() {
        return pair.link.bufferedAmount + trickle();
      },
      onceBufferedAmountLow: (threshold, callback) => {
        if (threshold > 0) pair.link.onceBufferedAmountLow(threshold, callback);
      },
    };
    // A lost packet keeps the receiver from answering before the end-of-pass.
    const pair = connectPair({ latencyMs: 22, loss: { kind: 'bernoulli', p: 0.02, seed: 4 } }, {}, 22, undefined, { packets: stalled });
    let endOfPassAt = Number.NaN;
    let rate = 0;
    const sender = pair.alice.send(randomImage(300, 200, { kind: 'bgr', bitsPerPixel: 24 }, 2), {
      fileName: 't.bmp',
      payloadBytes: 300,
      adaptivePacing: true,
      onStateChange: (s) => {
        if (s.state === 'waiting') {
          endOfPassAt = pair.time.now();
          rate = s.stats.path.deliveryBytesPerSecond;
        }
      },
    });
    let lastSentAt = 0;
    for (let t = 0; (sender.state === 'preparing' || sender.state === 'sending') && t < 30_000; t += 1) {
      const before = sender.stats.packetsSent;
      pair.time.run(t);
      if (sender.stats.packetsSent > before) lastSentAt = t;
    }
    expect(endOfPassAt).toBeGreaterThan(0);
    expect(trickle()).toBeGreaterThan(0);
    expect(rate).toBeGreaterThan(0);
    const waited = endOfPassAt - lastSentAt;
    // At the delivery rate the stalled stripe's 50 kB take a few tens of milliseconds.
    expect((50_000 * 1000) / rate).toBeLessThan(100);
    // Four round trips of the 44 ms path, twice the drain time and END_OF_PASS_DRAIN_MS.
    expect(waited).toBeGreaterThanOrEqual(END_OF_PASS_DRAIN_MS + 4 * 44);
    expect(waited).toBeLessThan(END_OF_PASS_DRAIN_MS + 4 * 60 + 200);
  });
});
