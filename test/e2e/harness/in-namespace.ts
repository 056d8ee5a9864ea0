/**
 * Benchmarks and diagnostics that drive Chromium run under scripts/run-e2e.mjs, which puts them
 * in a private network namespace when run as root (headless Chromium gathers no ICE candidates on
 * a loopback-only network) and marks the child with PIXELDROP_NETNS.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Called first thing by the script at `scriptUrl` (its `import.meta.url`): unless it already runs
 * under run-e2e.mjs, runs it again there with the same arguments and exits with its status.
 */
export function runUnderE2eRunner(scriptUrl: string): void {
  if (process.env.PIXELDROP_NETNS !== undefined) return;
  const runner = fileURLToPath(new URL('../../../scripts/run-e2e.mjs', import.meta.url));
  const result = spawnSync('node', [runner, 'npx', 'tsx', fileURLToPath(scriptUrl), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
