/**
 * Builds the web app once before the browser tests, so that they always exercise the current
 * sources through the same `web/dist` that `npm start` serves (and never a stale build).
 * E2E_SKIP_BUILD=1 tests the previous build instead (while someone else's edit breaks the build).
 */
import { existsSync } from 'node:fs';
import { buildWebApp, E2E_WEB_DIST } from './build.ts';
import { skipWithout } from './capability.ts';
import { realLossUnavailable } from './packet-loss.ts';

export default function setup(): void {
  if (process.env.E2E_SKIP_BUILD === '1') {
    if (!existsSync(`${E2E_WEB_DIST}/index.html`)) throw new Error(`E2E_SKIP_BUILD=1 but ${E2E_WEB_DIST} holds no build`);
    console.log(`e2e: testing the existing build in ${E2E_WEB_DIST}`);
  } else {
    buildWebApp();
  }
  skipWithout('the real packet-loss cases', realLossUnavailable());
}
