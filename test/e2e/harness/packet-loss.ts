/**
 * Real packet loss with nftables, on the input hook (on output the sender's sendmsg fails with
 * EPERM and the loss is hidden). Only ever inside the private network
 * namespace scripts/run-e2e.mjs creates: the rule must never touch the host's own firewall.
 */
import { spawnSync } from 'node:child_process';

const TABLE = 'impair';

/** Why real loss cannot be applied here, or undefined when it can. */
export function realLossUnavailable(): string | undefined {
  if (process.env.PIXELDROP_NETNS !== '1') return 'not inside the private network namespace (run as root with unshare: scripts/run-e2e.mjs)';
  if (spawnSync('nft', ['--version'], { stdio: 'ignore' }).status !== 0) return 'nft (nftables) is not installed';
  return undefined;
}

function nft(args: string[], input?: string): void {
  const result = spawnSync('nft', args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nft ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

/** Drops `percent` % of incoming UDP packets at random (WebRTC data travels over UDP; signaling over TCP is spared). */
export function applyPacketLoss(percent: number): void {
  const reason = realLossUnavailable();
  if (reason) throw new Error(`cannot apply real packet loss: ${reason}`);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new Error(`loss must be an integer percent, got ${percent}`);
  clearPacketLoss();
  nft(
    ['-f', '-'],
    `table inet ${TABLE} {
      chain in {
        type filter hook input priority 0; policy accept;
        meta l4proto udp numgen random mod 100 < ${percent} drop
      }
    }\n`,
  );
}

/** Removes the loss rule; a no-op when there is none. */
export function clearPacketLoss(): void {
  if (realLossUnavailable()) return;
  const listed = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' });
  if (listed.stdout.includes(`inet ${TABLE}`)) nft(['delete', 'table', 'inet', TABLE]);
}
