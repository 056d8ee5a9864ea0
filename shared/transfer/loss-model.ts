/**
 * Simulated loss, applied by the sender before a packet reaches the channel, so that what the
 * simulation drops is counted apart from what the network loses.
 */
import { seededRandom } from './random.ts';

export type LossSpec =
  /** Each packet is dropped independently with probability `p`. */
  | { readonly kind: 'bernoulli'; readonly p: number; readonly seed: number }
  /**
   * Gilbert–Elliott two-state burst model: in the good state a packet is lost with `lossGood`,
   * in the bad state with `lossBad`; after each packet the state flips good → bad with
   * `pGoodToBad` and bad → good with `pBadToGood`. Mean burst length is 1 / pBadToGood.
   */
  | {
      readonly kind: 'gilbert-elliott';
      readonly pGoodToBad: number;
      readonly pBadToGood: number;
      readonly lossGood: number;
      readonly lossBad: number;
      readonly seed: number;
    };

/** Decides, packet after packet, whether the simulation drops it. */
export type LossModel = () => boolean;

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${p}`);
}

export function createLossModel(spec: LossSpec): LossModel {
  const random = seededRandom(spec.seed);
  if (spec.kind === 'bernoulli') {
    checkProbability('p', spec.p);
    return () => random() < spec.p;
  }
  checkProbability('pGoodToBad', spec.pGoodToBad);
  checkProbability('pBadToGood', spec.pBadToGood);
  checkProbability('lossGood', spec.lossGood);
  checkProbability('lossBad', spec.lossBad);
  let bad = false;
  return () => {
    const lost = random() < (bad ? spec.lossBad : spec.lossGood);
    bad = bad ? random() >= spec.pBadToGood : random() < spec.pGoodToBad;
    return lost;
  };
}

/** Long-run fraction of packets a spec loses: p, or the stationary mix of the two states. */
export function meanLossRate(spec: LossSpec): number {
  if (spec.kind === 'bernoulli') return spec.p;
  const total = spec.pGoodToBad + spec.pBadToGood;
  const badShare = total === 0 ? 0 : spec.pGoodToBad / total;
  return badShare * spec.lossBad + (1 - badShare) * spec.lossGood;
}
