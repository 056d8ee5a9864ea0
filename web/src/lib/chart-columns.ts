/** Engine time series → the chart's columns: seconds, MB/s, loss %. */
import type { Sample } from '../../../shared/transfer/index.ts';

export type ChartColumns = [seconds: number[], megabytesPerSecond: number[], lossPercent: number[]];

/** One point of a loss trail: the loss known at a moment of the transfer. */
export interface LossPoint {
  atMs: number;
  percent: number;
}

/**
 * `samples` are fixed buckets of `intervalMs`; each bucket's bytes become a rate. Loss comes
 * from `dropped` in the bucket when the samples have it (the sender's simulation), else from
 * the last point of `trail` at or before the bucket (the receiver learns loss at pass ends).
 */
export function chartColumns(
  samples: ReadonlyArray<Sample<'bytes'> & { readonly packets: number; readonly dropped?: number }>,
  intervalMs: number,
  trail: readonly LossPoint[] = [],
): ChartColumns {
  const seconds: number[] = [];
  const rates: number[] = [];
  const losses: number[] = [];
  let t = 0;
  let trailLoss = 0;
  for (const sample of samples) {
    while (t < trail.length && trail[t]!.atMs <= sample.atMs) trailLoss = trail[t++]!.percent;
    seconds.push(sample.atMs / 1000);
    rates.push(sample.bytes / 1000 / intervalMs);
    if (sample.dropped === undefined) losses.push(trailLoss);
    else {
      const attempted = sample.packets + sample.dropped;
      losses.push(attempted > 0 ? (sample.dropped / attempted) * 100 : 0);
    }
  }
  return [seconds, rates, losses];
}
