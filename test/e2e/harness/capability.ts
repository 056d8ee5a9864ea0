/**
 * What a test needs from the machine (the private network namespace, nftables, an emulator
 * program) is either there or missing. Under CI=true a missing piece fails the run: CI must
 * prove what the tests claim, never skip it silently. Elsewhere (a developer's laptop) the case
 * is skipped and the reason printed.
 */

export const UNDER_CI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * True when the case should be skipped: only outside CI, and only when `missing` names a reason.
 * Under CI it throws, so the test file fails at once with the reason.
 */
export function skipWithout(what: string, missing: string | undefined): boolean {
  if (missing === undefined) return false;
  if (UNDER_CI) throw new Error(`CI=true requires ${what}, but ${missing}`);
  console.log(`skipping ${what}: ${missing}`);
  return true;
}
