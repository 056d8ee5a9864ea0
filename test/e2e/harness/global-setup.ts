/**
 * Builds the web app once before the browser tests, so that they always exercise the current
 * sources through the same `web/dist` that `npm start` serves (and never a stale build).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export default function setup(): void {
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status}): the browser tests need web/dist`);
  if (process.env.PIXELDROP_NETNS !== '1') {
    console.log('e2e: not inside a private network namespace (see scripts/run-e2e.mjs); real packet-loss cases will skip');
  }
}
