/**
 * Builds the web app once before the browser tests, so that they always exercise the current
 * sources through the same `web/dist` that `npm start` serves (and never a stale build).
 */
import { buildWebApp } from './build.ts';
import { realLossUnavailable } from './packet-loss.ts';

export default function setup(): void {
  buildWebApp();
  const reason = realLossUnavailable();
  if (reason) console.log(`e2e: real packet-loss cases will skip: ${reason}`);
}
