/**
 * Each emulated path (harness/path-emulator.ts) is what its profile says, within 20 % of nominal:
 * the round trip WebRTC itself measures (getStats' currentRoundTripTime on the selected candidate
 * pair of a bare RTCPeerConnection), the rate a bare unreliable channel reaches each way where
 * the profile caps it, and the loss the emulator applies (its own counters, over a sample sized so
 * that 20 % of the nominal rate is four standard deviations: a correct emulator fails this less
 * than once in 10,000 runs). Each knob is measured on its own: rate and round trip without the
 * loss rules, so that SCTP's reaction to loss does not hide the cap.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { skipWithout } from './harness/capability.ts';
import { launchChromium } from './harness/chromium.ts';
import {
  applyPathLoss,
  clearPathLoss,
  describeLoss,
  emulateAccessLink,
  PATH_PROFILES,
  pathEmulationUnavailable,
  type PathProfile,
} from './harness/path-emulator.ts';
import { lossSampleSize, sendThroughPath } from './harness/path-loss-probe.ts';
import { measureCeiling } from './harness/raw-measure.ts';
import { connectRawPair, startRawServer, type RawPair, type RawServer } from './harness/raw-pair.ts';
import { waitUntil } from './harness/wait.ts';

const TOLERANCE = 0.2;
/** Without emulation the pages' round trip is the machine's own, well under this. */
const LAN_RTT_MS = 5;
/** Seconds of traffic at the cap each rate check sends: long enough that the first round trips do not count. */
const RATE_SECONDS = 3;

const profiles = Object.values(PATH_PROFILES);
const unavailable = profiles.map(pathEmulationUnavailable).find((reason) => reason !== undefined);
const noEmulation = skipWithout('the path emulator (nftables in the private network namespace)', unavailable);

let browser: Browser;
let server: RawServer;
let pairs: RawPair[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  server = await startRawServer();
});

afterEach(async () => {
  clearPathLoss();
  for (const pair of pairs) await pair.close();
  pairs = [];
});

afterAll(async () => {
  await server?.close();
  await browser?.close();
});

/** A bare pair over the profile's path; `only` gives just that page its access link. */
async function pairOver(profile: PathProfile, only?: 'receiver'): Promise<RawPair> {
  const pair = await connectRawPair(browser, server, async (peer, role) => {
    if (!only || role === only) await emulateAccessLink(peer.context, peer.page, profile);
  });
  pairs.push(pair);
  return pair;
}

/**
 * The lower quartile of the round trips both pages report over about three seconds of STUN
 * consent checks: on a loaded two-core machine a page's scheduling delays only ever add to a
 * reading, so the low readings are the path's.
 */
async function roundTripMs(pair: RawPair): Promise<number> {
  const readings: number[] = [];
  await waitUntil(
    async () => {
      for (const peer of [pair.sender, pair.receiver]) {
        const rtt = await peer.page.evaluate(() => window.rawChannel.roundTripMs());
        if (rtt !== null) readings.push(rtt);
      }
      return readings.length;
    },
    (count) => count >= 12,
    { timeoutMs: 20_000, what: 'twelve round-trip readings', intervalMs: 500 },
  );
  readings.sort((a, b) => a - b);
  return readings[readings.length >> 2]!;
}

/**
 * The fastest of up to three bare unreliable streams of RATE_SECONDS at `capMbps` (payload MB/s),
 * stopping at the first within the tolerance. The cap is an upper bound that a stream must reach
 * but never pass; whether one stream reaches it depends on SCTP: its slow start overshoots the
 * emulated queue on a new connection, and a stream whose window overflows the queue loses the
 * end of it there and halves, as at a real bottleneck.
 */
async function rateMBps(pair: RawPair, capMbps: number): Promise<number> {
  const capMBps = capMbps / 8;
  const bytes = capMBps * 1e6 * RATE_SECONDS;
  let best = 0;
  for (let stream = 1; stream <= 3 && best < capMBps * (1 - TOLERANCE); stream++) {
    const run = await measureCeiling(pair, bytes, 1_000);
    console.log(`${capMbps} Mbit/s cap, stream ${stream}: ${run.mbPerSecond.toFixed(2)} MB/s (${run.lossPct.toFixed(1)} % of messages lost)`);
    best = Math.max(best, run.mbPerSecond);
  }
  return best;
}

function expectWithin(measured: number, nominal: number, what: string): void {
  console.log(`${what}: ${measured.toFixed(2)} against ${nominal.toFixed(2)} nominal (${((100 * measured) / nominal).toFixed(0)} %)`);
  expect(measured, what).toBeGreaterThanOrEqual(nominal * (1 - TOLERANCE));
  expect(measured, what).toBeLessThanOrEqual(nominal * (1 + TOLERANCE));
}

for (const profile of profiles) {
  it.skipIf(noEmulation)(`${profile.name}: round trip, rate each way and loss (${describeLoss(profile.loss)}) are the profile's`, { timeout: 120_000 }, async () => {
    const pair = await pairOver(profile);
    const rtt = await roundTripMs(pair);
    if (profile.roundTripMs === 0) {
      console.log(`${profile.name} round trip: ${rtt.toFixed(2)} ms`);
      expect(rtt).toBeLessThan(LAN_RTT_MS);
    } else {
      expectWithin(rtt, profile.roundTripMs, `${profile.name} round trip (ms)`);
    }

    // A person's uplink caps what they send: both pages have it, the receiver's larger downlink does not bind.
    if (profile.upMbps !== undefined) {
      expectWithin(await rateMBps(pair, profile.upMbps), profile.upMbps / 8, `${profile.name} uplink (MB/s of payload)`);
    }
    // The downlink binds when the sender's uplink is wider: only the receiver on this path.
    if (profile.downMbps !== undefined) {
      const downlinkOnly = await pairOver(profile, 'receiver');
      expectWithin(await rateMBps(downlinkOnly, profile.downMbps), profile.downMbps / 8, `${profile.name} downlink (MB/s of payload)`);
    }
    for (const open of pairs) await open.close();
    pairs = [];

    if (profile.loss.kind !== 'none') {
      applyPathLoss(profile);
      const sample = lossSampleSize(profile.loss);
      const counted = await sendThroughPath(sample);
      const total = counted.passed + counted.dropped;
      expect(total).toBeGreaterThanOrEqual(sample);
      expectWithin((100 * counted.dropped) / total, profile.loss.pct, `${profile.name} loss (% of ${total} packets)`);
      if (profile.loss.kind === 'bursts') {
        expectWithin(counted.dropped / counted.bursts, profile.loss.meanBurst, `${profile.name} mean burst (packets, ${counted.bursts} bursts)`);
      }
    }
  });
}
