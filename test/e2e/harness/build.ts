/**
 * Builds the web app for the browser tests and the benchmark into a directory of their own (not
 * web/dist, which `npm start` and other people's builds use), and the real server serves it
 * exactly as it serves web/dist.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const E2E_WEB_DIST = fileURLToPath(new URL('../../../node_modules/.cache/pixeldrop-e2e/web-dist', import.meta.url));

export function buildWebApp(): void {
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', E2E_WEB_DIST, '--emptyOutDir'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status}): the browser tests need the built app`);
}
