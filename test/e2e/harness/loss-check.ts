/** What the receiver shows as lost against what is missing from its picture. */
import { expect } from 'vitest';
import type { Stats } from './app.ts';
import type { PixelComparison } from './pixels.ts';

/**
 * Shown loss and missing pixels agree to within 0.2 percentage points: a lost packet removes
 * the same number of pixels wherever it falls (but for the last, shorter one), and the shown
 * percentage may be rounded to one decimal.
 */
export function expectShownLossMatchesCanvas(stats: Stats, comparison: PixelComparison): void {
  const missingPct = (100 * comparison.differing) / comparison.total;
  expect(stats.lost).toBeGreaterThan(0);
  expect(comparison.differing).toBeGreaterThan(0);
  expect(Math.abs(missingPct - stats.lossPct)).toBeLessThanOrEqual(0.2);
}
