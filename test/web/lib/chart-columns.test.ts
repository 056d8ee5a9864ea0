import { describe, expect, it } from 'vitest';
import { chartColumns } from '../../../web/src/lib/chart-columns.ts';

describe('chartColumns', () => {
  it('turns 100 ms buckets of bytes into MB/s and simulated drops into loss %', () => {
    const columns = chartColumns(
      [
        { atMs: 0, bytes: 1_000_000, packets: 90, dropped: 10 },
        { atMs: 100, bytes: 0, packets: 0, dropped: 0 },
      ],
      100,
    );
    expect(columns).toEqual([
      [0, 0.1],
      [10, 0],
      [10, 0],
    ]);
  });

  it('steps the receiver loss along the trail of pass ends', () => {
    const samples = [0, 100, 200, 300].map((atMs) => ({ atMs, bytes: 500_000, packets: 400 }));
    const [, rates, losses] = chartColumns(samples, 100, [{ atMs: 150, percent: 4 }, { atMs: 300, percent: 1 }]);
    expect(rates).toEqual([5, 5, 5, 5]);
    expect(losses).toEqual([0, 0, 4, 1]);
  });
});
