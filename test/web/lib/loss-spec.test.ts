import { describe, expect, it } from 'vitest';
import { meanLossRate } from '../../../shared/transfer/loss-model.ts';
import { lossSpecFor } from '../../../web/src/lib/loss-spec.ts';

describe('lossSpecFor', () => {
  it('is null without loss', () => {
    expect(lossSpecFor(0, 5, 1)).toBeNull();
  });

  it('drops independently with a burst length of 1', () => {
    expect(lossSpecFor(12.5, 1, 7)).toEqual({ kind: 'bernoulli', p: 0.125, seed: 7 });
  });

  it('keeps the mean loss rate when bursts are longer', () => {
    const spec = lossSpecFor(10, 8, 3)!;
    expect(spec.kind).toBe('gilbert-elliott');
    expect(meanLossRate(spec)).toBeCloseTo(0.1, 10);
  });

  it('clamps out-of-range percentages', () => {
    expect(lossSpecFor(250, 4, 1)).toEqual({ kind: 'bernoulli', p: 1, seed: 1 });
    expect(lossSpecFor(-3, 4, 1)).toBeNull();
  });
});
