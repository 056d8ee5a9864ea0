import { describe, expect, it } from 'vitest';
import { createLossModel, meanLossRate, type LossSpec } from '../../../shared/transfer/index.ts';

function sample(spec: LossSpec, count: number): boolean[] {
  const model = createLossModel(spec);
  return Array.from({ length: count }, () => model());
}

describe('loss models', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    const spec: LossSpec = { kind: 'bernoulli', p: 0.3, seed: 1 };
    expect(sample(spec, 500)).toEqual(sample(spec, 500));
    expect(sample(spec, 500)).not.toEqual(sample({ ...spec, seed: 2 }, 500));
  });

  it('Bernoulli drops about p of the packets', () => {
    const drops = sample({ kind: 'bernoulli', p: 0.1, seed: 7 }, 100_000).filter(Boolean).length;
    expect(drops / 100_000).toBeCloseTo(0.1, 2);
  });

  it('Gilbert–Elliott drops its stationary mean, in bursts', () => {
    const spec: LossSpec = { kind: 'gilbert-elliott', pGoodToBad: 0.02, pBadToGood: 0.25, lossGood: 0, lossBad: 0.8, seed: 3 };
    const losses = sample(spec, 200_000);
    const rate = losses.filter(Boolean).length / losses.length;
    expect(rate).toBeCloseTo(meanLossRate(spec), 2);
    // Bursty: a loss follows a loss far more often than the mean rate would make it.
    let pairs = 0;
    for (let i = 1; i < losses.length; i++) if (losses[i] && losses[i - 1]) pairs++;
    const afterLoss = pairs / losses.filter(Boolean).length;
    expect(afterLoss).toBeGreaterThan(5 * rate);
  });

  it('refuses probabilities outside [0, 1]', () => {
    expect(() => createLossModel({ kind: 'bernoulli', p: 1.5, seed: 0 })).toThrow(RangeError);
  });
});
