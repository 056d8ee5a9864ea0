/** How many stripes the sender chooses, and a striped transfer in virtual time. */
import { describe, expect, it } from 'vitest';
import {
  END_OF_PASS_DRAIN_MS,
  MAX_STRIPES,
  TransferSession,
  chooseStripes,
  renoCeiling,
  type PacketChannel,
  type StripeControl,
} from '../../../shared/transfer/index.ts';
import { randomImage } from './arbitraries.ts';
import { connectPair } from './harness.ts';

describe('chooseStripes', () => {
  it('keeps one stripe on a LAN or one machine, lossy or not', () => {
    expect(chooseStripes({ rttMs: 0.3, lossFraction: 0.02, current: 1 })).toBe(1);
    expect(chooseStripes({ rttMs: 4, lossFraction: null, current: 1 })).toBe(1);
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
    const mild = chooseStripes({ rttMs: 12, lossFraction: 0.003, current: 1 });
    expect(mild).toBeGreaterThan(1);
    expect(mild).toBeLessThan(MAX_STRIPES);
    expect(mild * renoCeiling(12, 0.003)).toBeGreaterThanOrEqual(4_000_000);
    // Slightly less loss than before: keep the stripes already open.
    expect(chooseStripes({ rttMs: 12, lossFraction: 0.0025, current: mild })).toBe(mild);
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

  it('never stripes on a near path', () => {
    const stripes = control(1);
    const pair = connectPair({ loss: { kind: 'bernoulli', p: 0.02, seed: 3 } }, {}, 1, undefined, { stripes });
    const sender = pair.alice.send(image, { fileName: 's.bmp' });
    pair.time.run();
    expect(stripes.history).toEqual([]);
    expect(sender.stats.stripes).toBe(1);
  });

  it('ends its pass even when one stripe never drains: the end-of-pass goes once the buffers stand still', () => {
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
});
