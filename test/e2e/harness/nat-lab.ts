/**
 * Two homes behind NAT routers, and the "internet" between them, built from network namespaces
 * inside the private namespace scripts/run-e2e.mjs makes (which plays the internet: the
 * signaling server and the TURN server listen there, on PUBLIC_ADDRESS).
 *
 *   internet (the run-e2e namespace): bridge inet0 203.0.113.1/24 — signaling server, coturn
 *     ├── router a: wan 203.0.113.11 ── lan 192.168.10.1 ── home a: 192.168.10.2 (Chromium)
 *     └── router b: wan 203.0.113.12 ── lan 192.168.20.1 ── home b: 192.168.20.2 (Chromium)
 *
 * Each router is a symmetric NAT: nftables masquerade with `fully-random` ports (endpoint-
 * dependent mapping: every destination gets a fresh public port, so the port a STUN server sees
 * is not the one the other peer would have to use), and it drops every packet from the wan that
 * opens a new connection (address- and port-dependent filtering: only replies to what the home
 * sent come in). The internet does not route private addresses, so a home's host candidates are
 * unreachable from the other home, and server-reflexive hole punching fails as well: only a
 * TURN relay joins the two homes.
 *
 * The namespaces are held by `unshare -n cat` processes whose stdin is a pipe from this process:
 * they end (and their namespaces with them) when the lab is closed or this process dies, and no
 * name is registered under /run/netns, which the host shares.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/** Documentation ranges (RFC 5737 TEST-NET-3, RFC 1918): never a real host. */
export const PUBLIC_ADDRESS = '203.0.113.1';
const BRIDGE = 'inet0';

export type HomeName = 'a' | 'b';

export interface Home {
  name: HomeName;
  /** The home's own address: its host candidate. */
  privateAddress: string;
  /** Its router's address on the internet: what servers see it as. */
  publicAddress: string;
  /** `/proc/<pid>/ns/net` of the home's namespace, for `nsenter --net=`. */
  namespace: string;
}

export interface NatLab {
  publicAddress: string;
  homes: Record<HomeName, Home>;
  /** Packets the home's router dropped because they came unasked from the internet. */
  droppedInbound(home: HomeName): number;
  close(): void;
}

const HOMES: Record<HomeName, { wan: string; lan: string }> = {
  a: { wan: '203.0.113.11', lan: '192.168.10' },
  b: { wan: '203.0.113.12', lan: '192.168.20' },
};

const ROUTER_RULES = `
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade fully-random
  }
}
table inet home {
  chain from-internet {
    type filter hook prerouting priority filter; policy accept;
    iifname "wan" ct state new counter drop
  }
}
`;

/** Why the lab cannot be built here, or undefined when it can. */
export function natLabUnavailable(): string | undefined {
  if (process.env.PIXELDROP_NETNS !== '1') return 'not inside the private network namespace (run as root with unshare: scripts/run-e2e.mjs)';
  for (const [tool, pkg] of [['nft', 'nftables'], ['nsenter', 'util-linux'], ['unshare', 'util-linux']] as const) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) return `${tool} (${pkg}) is not installed`;
  }
  return undefined;
}

function run(argv: string[], input?: string): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  return result.stdout;
}

/** Runs `script` with sh inside the namespace `namespace`. */
function inNamespace(namespace: string, script: string, input?: string): string {
  return run(['nsenter', `--net=${namespace}`, 'sh', '-ec', script], input);
}

class NamespaceHolder {
  readonly process: ChildProcess;

  constructor() {
    this.process = spawn('unshare', ['-n', 'cat'], { stdio: ['pipe', 'ignore', 'inherit'] });
  }

  get path(): string {
    return `/proc/${this.process.pid}/ns/net`;
  }

  /** Resolves once `unshare` has moved into its new namespace (and exec'd `cat`). */
  async ready(): Promise<void> {
    const own = readlinkSync('/proc/self/ns/net');
    const deadline = Date.now() + 5_000;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error(`unshare -n exited with ${this.process.exitCode}`);
      try {
        if (readlinkSync(this.path) !== own) return;
      } catch {
        // Not started yet.
      }
      if (Date.now() > deadline) throw new Error('unshare -n did not make a network namespace within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.process.stdin?.end();
    this.process.kill();
  }
}

/** Builds the lab; `close()` takes every namespace, link and address down again. */
export async function createNatLab(): Promise<NatLab> {
  const reason = natLabUnavailable();
  if (reason) throw new Error(`cannot build the NAT lab: ${reason}`);
  const holders: NamespaceHolder[] = [];
  const routers = new Map<HomeName, string>();
  const close = () => {
    for (const holder of holders) holder.close();
    // A veth goes with either end; the holders' namespaces die a moment after they exit.
    for (const link of [BRIDGE, 'wan-a', 'wan-b']) spawnSync('ip', ['link', 'del', link], { stdio: 'ignore' });
  };
  try {
    run(['sh', '-ec', `ip link add ${BRIDGE} type bridge; ip addr add ${PUBLIC_ADDRESS}/24 dev ${BRIDGE}; ip link set ${BRIDGE} up`]);
    const homes = {} as Record<HomeName, Home>;
    for (const name of ['a', 'b'] as const) {
      const router = new NamespaceHolder();
      const home = new NamespaceHolder();
      holders.push(router, home);
      await router.ready();
      await home.ready();
      const { wan, lan } = HOMES[name];
      const routerPid = router.process.pid!;
      const homePid = home.process.pid!;
      run(['sh', '-ec', [
        `ip link add wan-${name} type veth peer name wan netns ${routerPid}`,
        `ip link set wan-${name} master ${BRIDGE} up`,
        `ip link add lan netns ${routerPid} type veth peer name lan netns ${homePid}`,
      ].join('; ')]);
      inNamespace(router.path, [
        'ip link set lo up',
        `ip addr add ${wan}/24 dev wan`,
        'ip link set wan up',
        `ip addr add ${lan}.1/24 dev lan`,
        'ip link set lan up',
        `ip route add default via ${PUBLIC_ADDRESS}`,
        'sysctl -qw net.ipv4.ip_forward=1',
        'nft -f -',
      ].join('; '), ROUTER_RULES);
      inNamespace(home.path, [
        'ip link set lo up',
        `ip addr add ${lan}.2/24 dev lan`,
        'ip link set lan up',
        `ip route add default via ${lan}.1`,
      ].join('; '));
      routers.set(name, router.path);
      homes[name] = { name, privateAddress: `${lan}.2`, publicAddress: wan, namespace: home.path };
    }
    return {
      publicAddress: PUBLIC_ADDRESS,
      homes,
      droppedInbound: (name) => {
        const listed = inNamespace(routers.get(name)!, 'nft list chain inet home from-internet');
        const match = /counter packets (\d+)/.exec(listed);
        if (!match) throw new Error(`router ${name} shows no drop counter: ${listed}`);
        return Number(match[1]);
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
