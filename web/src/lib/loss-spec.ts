/** The options form's loss settings → the engine's loss model. */
import type { LossSpec } from '../../../shared/transfer/loss-model.ts';

/**
 * `percent` is the long-run share of packets dropped. A mean burst length of 1 drops packets
 * independently; longer bursts use a Gilbert–Elliott model that loses everything in its bad
 * state and nothing in its good one, with the switching chosen to keep the same mean loss.
 */
export function lossSpecFor(percent: number, meanBurst: number, seed: number): LossSpec | null {
  const rate = Math.min(Math.max(percent, 0), 100) / 100;
  if (rate === 0) return null;
  if (meanBurst <= 1 || rate === 1) return { kind: 'bernoulli', p: rate, seed };
  const pBadToGood = 1 / meanBurst;
  const pGoodToBad = Math.min(1, (rate * pBadToGood) / (1 - rate));
  return { kind: 'gilbert-elliott', pGoodToBad, pBadToGood, lossGood: 0, lossBad: 1, seed };
}
