/**
 * Internet paths between the two pages of a browser test, benchmark or diagnostic, which all run
 * on one machine with a ~1 ms round trip and no rate cap otherwise. docs/path-emulation.md says
 * which knob gives which part of a profile and how faithful it is. Two mechanisms, each doing
 * what it does well:
 *
 * - **Chromium's own network emulation** (DevTools `Network.emulateNetworkConditions`, one CDP
 *   session per page) for one-way delay, the rate cap each way and the queue limit. It reaches
 *   WebRTC's UDP sockets, but only those created after it is set: attach() must run before the
 *   page creates its RTCPeerConnection (before it opens the room link, before the raw pair
 *   connects). A page's latency delays both what it sends and what it receives, so with the same
 *   latency on both pages a packet's round trip crosses it four times.
 * - **nftables** on the private namespace's input hook for loss: random, or in bursts by a
 *   Gilbert–Elliott chain whose state lives in the connection-tracking mark of each UDP flow (one
 *   bit per direction). Every packet crosses the input hook exactly once here (both pages share
 *   the namespace's address), and counters on the rules say how many packets the path took and
 *   dropped. Loss on input, not output: on output the sender's sendmsg fails and the loss is
 *   hidden from SCTP.
 */
import { spawnSync } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import type { PreparePage } from './raw-pair.ts';

export const PROFILE_NAMES = ['lan', 'cable', 'wifi', 'mobile', 'bad-wifi', 'far'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Loss on the path, per packet and per direction (a packet crossing it one way is lost with `pct` %). */
export type PathLoss =
  | { kind: 'none' }
  | { kind: 'random'; pct: number }
  /** Gilbert–Elliott: every packet in the bad state is lost, bursts last `meanBurst` packets on average. */
  | { kind: 'bursts'; pct: number; meanBurst: number };

export interface PathProfile {
  name: ProfileName;
  /** Round trip the path adds (each page's latency is a quarter of it). */
  roundTripMs: number;
  /** Each person's downlink and uplink in Mbit/s (10^6 bit/s); undefined: no cap. */
  downMbps?: number;
  upMbps?: number;
  loss: PathLoss;
  /** Packets each page's emulated link holds before it drops (0: no limit); only with a rate cap. */
  queuePackets: number;
}

/**
 * The named profiles. Queues hold 100 packets: about 100 ms at cable's 10 Mbit/s uplink, as a
 * home router's buffer is sized, and 200 ms at mobile's 5 Mbit/s, where base stations buffer deeply.
 */
export const PATH_PROFILES: Record<ProfileName, PathProfile> = {
  lan: { name: 'lan', roundTripMs: 0, loss: { kind: 'none' }, queuePackets: 0 },
  cable: { name: 'cable', roundTripMs: 20, downMbps: 50, upMbps: 10, loss: { kind: 'random', pct: 0.1 }, queuePackets: 100 },
  wifi: { name: 'wifi', roundTripMs: 40, loss: { kind: 'random', pct: 1 }, queuePackets: 0 },
  mobile: { name: 'mobile', roundTripMs: 70, downMbps: 20, upMbps: 5, loss: { kind: 'bursts', pct: 1, meanBurst: 3 }, queuePackets: 100 },
  'bad-wifi': { name: 'bad-wifi', roundTripMs: 40, loss: { kind: 'random', pct: 5 }, queuePackets: 0 },
  far: { name: 'far', roundTripMs: 150, loss: { kind: 'random', pct: 0.5 }, queuePackets: 0 },
};

export function pathProfile(name: string): PathProfile {
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown path profile "${name}": one of ${PROFILE_NAMES.join(', ')}`);
  }
  return PATH_PROFILES[name as ProfileName];
}

/** Profiles from a comma-separated list (an environment variable), or `fallback` when it is unset. */
export function pathProfiles(list: string | undefined, fallback: readonly ProfileName[]): PathProfile[] {
  const names = list === undefined ? fallback : list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return names.map(pathProfile);
}

/** The loss figure as people say it: "1 % random", "1 % in bursts of 3", "none". */
export function describeLoss(loss: PathLoss): string {
  if (loss.kind === 'none') return 'none';
  return loss.kind === 'random' ? `${loss.pct} % random` : `${loss.pct} % in bursts of ${loss.meanBurst}`;
}

/** Why `profile` cannot be emulated here, or undefined when it can. */
export function pathEmulationUnavailable(profile: PathProfile): string | undefined {
  if (profile.loss.kind === 'none') return undefined;
  if (process.env.PIXELDROP_NETNS !== '1') return 'not inside the private network namespace (run as root with unshare: scripts/run-e2e.mjs)';
  if (spawnSync('nft', ['--version'], { stdio: 'ignore' }).status !== 0) return 'nft (nftables) is not installed';
  return undefined;
}

/**
 * What the pages' round trip takes on this machine without emulation, plus the timers' slack over
 * the four emulated crossings (measured: 40 ms of emulated latency gave 42–44 ms); the latency is
 * set to the profile's round trip less this.
 */
const MACHINE_ROUND_TRIP_MS = 2;

/** Network.emulateNetworkConditions takes bytes per second; -1 means no cap. */
function bytesPerSecond(mbps: number | undefined): number {
  return mbps === undefined ? -1 : (mbps * 1e6) / 8;
}

/**
 * Gives `page` its person's access link: a quarter of the round trip as latency (it applies on
 * the way out and on the way in, and both pages have one), the profile's downlink and uplink, the
 * queue limit. Call it before the page creates its RTCPeerConnection; it holds for the page's life.
 */
export async function emulateAccessLink(context: BrowserContext, page: Page, profile: PathProfile): Promise<void> {
  if (profile.roundTripMs === 0 && profile.downMbps === undefined && profile.upMbps === undefined) return;
  const session = await context.newCDPSession(page);
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: Math.max(0, profile.roundTripMs - MACHINE_ROUND_TRIP_MS) / 4,
    downloadThroughput: bytesPerSecond(profile.downMbps),
    uploadThroughput: bytesPerSecond(profile.upMbps),
    packetQueueLength: profile.queuePackets,
  });
}

/** The hook `openRoom` and `connectRawPair` run on each new page: it gets the profile's access link. */
export function overPath(profile: PathProfile): PreparePage {
  return (peer) => emulateAccessLink(peer.context, peer.page, profile);
}

const TABLE = 'pixeldrop_path';
/** Probabilities are written as parts per million: numgen random mod 1,000,000. */
const PPM = 1_000_000;

/** The per-packet transition chances of the Gilbert–Elliott chain giving `loss`, in parts per million. */
export function lossChain(loss: PathLoss): { enterBadPpm: number; leaveBadPpm: number } {
  if (loss.kind === 'none') return { enterBadPpm: 0, leaveBadPpm: PPM };
  if (loss.pct <= 0 || loss.pct >= 100) throw new Error(`loss must be between 0 and 100 %, got ${loss.pct}`);
  if (loss.kind === 'bursts' && !(loss.meanBurst >= 1)) throw new Error(`mean burst must be at least 1 packet, got ${loss.meanBurst}`);
  const lossRate = loss.pct / 100;
  // A burst ends with chance r per packet, so it lasts 1/r packets on average; the chain spends
  // p / (p + r) of its packets in the bad state. Random loss is the memoryless chain, r = 1 − p.
  const leave = loss.kind === 'random' ? 1 - lossRate : 1 / loss.meanBurst;
  const enter = (lossRate * leave) / (1 - lossRate);
  return { enterBadPpm: Math.round(enter * PPM), leaveBadPpm: Math.round(leave * PPM) };
}

function nft(args: string[], input?: string): string {
  const result = spawnSync('nft', args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nft ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * The ruleset: per UDP packet on input, by the direction of its flow (bit 0x1 of the flow's
 * conntrack mark holds the original direction's state, 0x2 the reply's). In the good state a
 * packet turns the chain bad with the entry chance and is then dropped; in the bad state it
 * turns it good with the leaving chance and passes, or is dropped. Random loss needs no state:
 * one rule drops with the loss chance.
 */
function ruleset(loss: PathLoss): string {
  const lines: string[] = [];
  if (loss.kind === 'random') {
    lines.push(`meta l4proto udp numgen random mod ${PPM} < ${Math.round((loss.pct / 100) * PPM)} counter name dropped drop`);
  } else if (loss.kind === 'bursts') {
    const { enterBadPpm, leaveBadPpm } = lossChain(loss);
    for (const [direction, bit] of [['original', 0x1], ['reply', 0x2]] as const) {
      const match = `meta l4proto udp ct direction ${direction}`;
      lines.push(
        `${match} ct mark & ${bit} == 0 numgen random mod ${PPM} < ${enterBadPpm} ct mark set ct mark | ${bit} counter name bursts counter name dropped drop`,
        `${match} ct mark & ${bit} == ${bit} numgen random mod ${PPM} < ${leaveBadPpm} ct mark set ct mark & 0x${((0xffffffff ^ bit) >>> 0).toString(16)} counter name passed accept`,
        `${match} ct mark & ${bit} == ${bit} counter name dropped drop`,
      );
    }
  }
  lines.push('meta l4proto udp counter name passed accept');
  return `table inet ${TABLE} {
    counter passed {}
    counter dropped {}
    counter bursts {}
    chain in {
      type filter hook input priority 0; policy accept;
      ${lines.join('\n      ')}
    }
  }\n`;
}

/** UDP packets the path took since applyPathLoss: how many passed and how many it dropped. */
export interface PathCounters {
  passed: number;
  dropped: number;
  /** Bursts of loss begun (the chain entering its bad state); counted for bursty loss only. */
  bursts: number;
}

/** Starts dropping packets as `profile` says (nothing for a lossless one) and zeroes the counters. */
export function applyPathLoss(profile: PathProfile): void {
  clearPathLoss();
  if (profile.loss.kind === 'none') return;
  const reason = pathEmulationUnavailable(profile);
  if (reason) throw new Error(`cannot emulate the ${profile.name} path: ${reason}`);
  nft(['-f', '-'], ruleset(profile.loss));
}

export function pathCounters(): PathCounters {
  if (!tableExists()) return { passed: 0, dropped: 0, bursts: 0 };
  const listed = JSON.parse(nft(['-j', 'list', 'counters', 'table', 'inet', TABLE])) as {
    nftables: Array<{ counter?: { name: string; packets: number } }>;
  };
  const read = (name: string) => listed.nftables.find((entry) => entry.counter?.name === name)?.counter?.packets ?? 0;
  return { passed: read('passed'), dropped: read('dropped'), bursts: read('bursts') };
}

/** The counters' growth between two readings. */
export function countersSince(before: PathCounters, after: PathCounters = pathCounters()): PathCounters {
  return { passed: after.passed - before.passed, dropped: after.dropped - before.dropped, bursts: after.bursts - before.bursts };
}

function tableExists(): boolean {
  if (process.env.PIXELDROP_NETNS !== '1') return false;
  const listed = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' });
  return listed.status === 0 && listed.stdout.includes(`inet ${TABLE}`);
}

/** Removes the loss rules; a no-op when there are none. */
export function clearPathLoss(): void {
  if (tableExists()) nft(['delete', 'table', 'inet', TABLE]);
}
