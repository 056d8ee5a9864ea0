#!/usr/bin/env node
// Runs a command (the browser tests, the end-to-end benchmark) inside a private network
// namespace when we are root and `unshare` and `ip` exist, so that WebRTC traffic and the
// nftables packet loss some tests apply stay inside it. Headless Chromium gathers no ICE
// candidates on a loopback-only network, so the namespace gets a veth with an address and a
// default route. Elsewhere (a developer's laptop) the command runs on the normal network and the
// tests that need real packet loss skip with a printed reason. Under CI=true a namespace that
// cannot be made is a failure: CI must run every case.
//
//   node scripts/run-e2e.mjs <command> [args...]
//
// The child sees PIXELDROP_NETNS=1 when it runs inside the namespace, 0 on the normal network.
import { spawnSync } from 'node:child_process';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node scripts/run-e2e.mjs <command> [args...]');
  process.exit(2);
}

const SETUP = [
  'ip link set lo up',
  'ip link add pd0 type veth peer name pd1',
  'ip link set pd1 up',
  'ip addr add 10.77.0.1/24 dev pd0',
  'ip link set pd0 up',
  'ip route add default dev pd0',
].join(' && ');

function has(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

function run(argv, env) {
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const alreadyInside = process.env.PIXELDROP_NETNS === '1';
const canIsolate = process.getuid?.() === 0 && has('unshare') && has('ip');
const underCi = process.env.CI === 'true' || process.env.CI === '1';

function cannotIsolate(reason) {
  if (underCi) {
    console.error(`run-e2e: CI=true requires a private network namespace, but ${reason}`);
    process.exit(1);
  }
  console.log(`run-e2e: ${reason}: using the normal network; real packet-loss cases will be skipped`);
}

if (!alreadyInside && canIsolate) {
  // Probe first: inside some containers unshare is present but not permitted.
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', SETUP], { encoding: 'utf8' });
  if (probe.status === 0) {
    // "$@" keeps the arguments exactly as given, without a second round of shell parsing.
    process.exit(run(['unshare', '-n', 'sh', '-c', `${SETUP} && exec "$@"`, 'run-e2e', ...command], { PIXELDROP_NETNS: '1' }));
  }
  cannotIsolate(`the network namespace cannot be created (${probe.stderr.trim()})`);
} else if (!alreadyInside) {
  cannotIsolate('not root, or unshare or ip is missing');
}
process.exit(run(command, alreadyInside ? {} : { PIXELDROP_NETNS: '0' }));
