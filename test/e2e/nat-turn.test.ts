/**
 * Two homes behind symmetric NATs (harness/nat-lab.ts: each browser in its own network namespace
 * behind a router namespace), the signaling server and a real coturn on the "internet" between
 * them. Without TURN the homes cannot reach each other; with TURN the app connects through the
 * relay, says so in its panel, and a photo arrives exact. With ICE_TRANSPORT_POLICY=relay the
 * link goes through TURN even where a direct path exists, and no address of either side reaches
 * the other.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IceConfig } from '../../signaling/ice-config.ts';
import { PATH_LABELS } from '../../web/src/net/link-path.ts';
import {
  chooseImage,
  FileStage,
  openRoom,
  readCanvas,
  readStats,
  setSendOptions,
  startAppServer,
  startTransfer,
  textOf,
  waitForTransferEnd,
  type AppPair,
  type AppServer,
} from './harness/app.ts';
import { saveScreenshot } from './harness/artifacts.ts';
import { E2E_WEB_DIST } from './harness/build.ts';
import { skipWithout } from './harness/capability.ts';
import type { PeerPage } from './harness/chromium.ts';
import { launchChromiumIn } from './harness/chromium-in-namespace.ts';
import { createNatLab, natLabUnavailable, type HomeName, type NatLab } from './harness/nat-lab.ts';
import type * as IceRecord from './harness/page/ice-record.ts';
import { pageScript } from './harness/page-script.ts';
import { photoBmp } from './harness/photos.ts';
import { comparePixels, decodeSource } from './harness/pixels.ts';
import { startTurnServer, turnServerUnavailable, type TurnServer } from './harness/turn-server.ts';
import { waitUntil } from './harness/wait.ts';

declare global {
  interface Window {
    iceRecord: typeof IceRecord;
  }
}

/** How long a pair without TURN gets to prove it cannot connect: two pages in one network connect in about 1 s. */
const NO_PATH_BOUND_MS = 10_000;
/** Chromium gives up on ICE about 15 s after the checks start when no check is answered. */
const ICE_FAILURE_TIMEOUT_MS = 30_000;
const ICE_RECORD = pageScript(new URL('./harness/page/ice-record.ts', import.meta.url), 'iceRecord');
/** `candidate:<foundation> <component> <protocol> <priority> <address> <port> typ <type>` in SDP and trickled candidates. */
const CANDIDATE = /candidate:\S+ \d+ \w+ \d+ (\S+) (\d+) typ (\w+)/g;

const skip = skipWithout('the NAT and TURN cases', natLabUnavailable() ?? turnServerUnavailable());

/** What one page received from the signaling server, frame by frame. */
interface SignalingCapture {
  frames: string[];
  /** Requests that went over HTTP long-polling, which the frame capture would not see. */
  pollingRequests: number;
}

describe.skipIf(skip)('two homes behind NAT, and a real TURN relay', () => {
  let lab: NatLab | undefined;
  let turn: TurnServer | undefined;
  const browsers = new Map<HomeName, Browser>();
  let server: AppServer | undefined;
  let pair: AppPair | undefined;
  const captures = new Map<PeerPage, SignalingCapture>();
  const stage = new FileStage();

  beforeAll(async () => {
    lab = await createNatLab();
    turn = await startTurnServer(lab.publicAddress);
    for (const home of ['a', 'b'] as const) browsers.set(home, await launchChromiumIn(lab.homes[home].namespace));
  });

  afterEach(async (context) => {
    if (pair) {
      for (const [role, peer] of [['sender', pair.sender], ['receiver', pair.receiver]] as const) {
        await saveScreenshot(peer.page, context.task.name, `end-${role}`);
        if (peer.errors.length) console.log(`${context.task.name}: ${peer.errors.join('\n')}`);
      }
      await pair.close();
      pair = undefined;
    }
    captures.clear();
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    for (const browser of browsers.values()) await browser.close();
    await turn?.close();
    lab?.close();
    stage.remove();
  });

  /** Records ICE in the page and every frame the signaling server sends it. */
  async function prepare(peer: PeerPage): Promise<void> {
    const capture: SignalingCapture = { frames: [], pollingRequests: 0 };
    captures.set(peer, capture);
    await peer.context.addInitScript({ content: ICE_RECORD });
    peer.page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => capture.frames.push(String(payload))));
    peer.page.on('request', (request) => {
      if (request.url().includes('transport=polling')) capture.pollingRequests++;
    });
  }

  /** The real server on the internet with `ice`, and a room: sender in `senderHome`, receiver in `receiverHome`. */
  async function openHomes(ice: IceConfig, senderHome: HomeName, receiverHome: HomeName, waitForConnection = true): Promise<AppPair> {
    server = await startAppServer(E2E_WEB_DIST, { host: lab!.publicAddress, ice });
    pair = await openRoom(browsers.get(senderHome)!, server, { receiverBrowser: browsers.get(receiverHome)!, prepare, waitForConnection });
    return pair;
  }

  function turnIce(transportPolicy: 'all' | 'relay'): IceConfig {
    return { staticServers: [], turn: { urls: [turn!.turnUrl], secret: turn!.secret, ttlSeconds: 600 }, transportPolicy };
  }

  const iceReport = (peer: PeerPage) => peer.page.evaluate(() => window.iceRecord.iceReport());

  async function waitForPath(peer: PeerPage, label: string): Promise<void> {
    await waitUntil(() => textOf(peer.page, 'link-path'), (text) => text !== '' && !text.includes('measuring'), {
      timeoutMs: 10_000,
      what: 'the link path in the panel',
    });
    expect(await textOf(peer.page, 'link-path')).toBe(label);
  }

  /** Every candidate (address, type) in the frames a page received from the signaling server. */
  function signaledCandidates(peer: PeerPage): { address: string; type: string }[] {
    const frames = captures.get(peer)?.frames ?? [];
    return frames.flatMap((frame) => [...frame.matchAll(CANDIDATE)].map((match) => ({ address: match[1]!, type: match[3]! })));
  }

  it('without TURN the homes cannot connect: host and server-reflexive candidates are tried and every check is dropped', async ({ task }) => {
    const droppedBefore = { a: lab!.droppedInbound('a'), b: lab!.droppedInbound('b') };
    // coturn answers STUN too: each side learns its router's public address (a srflx candidate).
    const { sender, receiver } = await openHomes({ staticServers: [{ urls: turn!.stunUrl }] }, 'a', 'b', false);

    const deadline = Date.now() + NO_PATH_BOUND_MS;
    while (Date.now() < deadline) {
      for (const peer of [sender, receiver]) expect(await textOf(peer.page, 'peer-status')).not.toBe('connected');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await saveScreenshot(sender.page, task.name, `sender-after-${NO_PATH_BOUND_MS / 1000}s`);

    const reports = { a: await iceReport(sender), b: await iceReport(receiver) };
    for (const [home, report] of Object.entries(reports) as [HomeName, (typeof reports)['a']][]) {
      const other = home === 'a' ? 'b' : 'a';
      console.log(`no TURN, home ${home}: ICE ${report.iceConnectionState}; local ${report.local.map((c) => `${c.type} ${c.protocol} ${c.address}`).join(', ')}; ` +
        `remote ${report.remote.map((c) => `${c.type} ${c.address}`).join(', ')}; pairs ${report.pairs.map((p) => `${p.local}-${p.remote} ${p.state}`).join(', ')}`);
      expect(report.selected).toBeNull();
      expect(report.pairs.length).toBeGreaterThan(0);
      expect(report.pairs.filter((p) => p.state === 'succeeded')).toEqual([]);
      expect(report.local).toContainEqual(expect.objectContaining({ type: 'host', address: lab!.homes[home].privateAddress }));
      expect(report.local).toContainEqual(expect.objectContaining({ type: 'srflx', address: lab!.homes[home].publicAddress }));
      expect(report.remote).toContainEqual(expect.objectContaining({ type: 'host', address: lab!.homes[other].privateAddress }));
      expect(report.remote).toContainEqual(expect.objectContaining({ type: 'srflx', address: lab!.homes[other].publicAddress }));
    }
    // The other side's checks to a router's public address came unasked, and the router dropped them.
    const dropped = { a: lab!.droppedInbound('a') - droppedBefore.a, b: lab!.droppedInbound('b') - droppedBefore.b };
    console.log(`no TURN: router a dropped ${dropped.a}, router b ${dropped.b} packets from the internet`);
    expect(dropped.a).toBeGreaterThan(0);
    expect(dropped.b).toBeGreaterThan(0);

    // Then ICE gives up, never having connected, and the page says the connection failed.
    const started = Date.now();
    await waitUntil(() => iceReport(sender), (report) => report.failedConnections > 0, {
      timeoutMs: ICE_FAILURE_TIMEOUT_MS,
      what: 'ICE to give up',
    });
    console.log(`no TURN: ICE failed ${Math.round((Date.now() - started + NO_PATH_BOUND_MS) / 1000)} s after the pages met`);
    await sender.page.getByTestId('room-error').waitFor({ timeout: 5_000 });
    await saveScreenshot(sender.page, task.name, 'sender-ice-failed');
    for (const peer of [sender, receiver]) expect(await textOf(peer.page, 'peer-status')).not.toBe('connected');
  });

  it('with TURN the homes connect through the relay, the panel says so, and a 512×512 photo arrives exact', async ({ task }) => {
    const connecting = Date.now();
    const current = await openHomes(turnIce('all'), 'a', 'b');
    const connectMs = Date.now() - connecting;
    for (const peer of [current.sender, current.receiver]) await waitForPath(peer, PATH_LABELS.relay);
    await saveScreenshot(current.sender.page, task.name, 'sender-connected');

    for (const peer of [current.sender, current.receiver]) {
      const report = await iceReport(peer);
      console.log(`TURN, ${peer === current.sender ? 'home a' : 'home b'}: selected ${report.selected?.local.type} ${report.selected?.local.address} → ` +
        `${report.selected?.remote.type} ${report.selected?.remote.address}; local ${report.local.map((c) => c.type).join(', ')}; ` +
        `pairs ${report.pairs.map((p) => `${p.local}-${p.remote} ${p.state}`).join(', ')}`);
      expect(report.iceTransportPolicy).toBe('all');
      // The pair in use has a TURN allocation on coturn at one end at least: either both sides
      // send through their own allocation, or one side sends through its NAT straight to the
      // other's allocation (whose permissions admit that router's public address, learned as a
      // server-reflexive candidate from the TURN server).
      const ends = [report.selected?.local, report.selected?.remote];
      expect(ends).toContainEqual(expect.objectContaining({ type: 'relay', address: lab!.publicAddress }));
      // Host candidates were offered and paired; nothing without a relay end ever got through.
      expect(report.local.map((c) => c.type)).toContain('host');
      expect(report.pairs.some((p) => p.local === 'host' || p.remote === 'host')).toBe(true);
      expect(report.pairs.filter((p) => p.local !== 'relay' && p.remote !== 'relay' && p.state === 'succeeded')).toEqual([]);
    }
    // coturn accepted the TURN REST credentials the signaling server signed.
    console.log(turn!.log().split('\n').filter((line) => /ALLOCATE|usage/.test(line)).slice(0, 6).join('\n'));
    expect(turn!.log()).toMatch(/realm <pixeldrop\.test> user <\d+:[^>]+>: incoming packet ALLOCATE processed, success/);

    const bmp = photoBmp('astronaut', 512, 512);
    expect(await chooseImage(current.sender.page, stage.path('astronaut-512.bmp', bmp))).toBe('ready');
    await setSendOptions(current.sender.page, { order: 'rows', repair: true });
    const sentAt = await startTransfer(current);
    const end = await waitForTransferEnd(current.receiver.page, 30_000);
    expect(end.state).toBe('complete');
    await saveScreenshot(current.receiver.page, task.name, 'receiver-complete');
    const comparison = comparePixels(await readCanvas(current.receiver.page), decodeSource(bmp));
    const stats = await readStats(current.receiver.page);
    console.log(`TURN: connected in ${connectMs} ms; 512×512 astronaut through the relay in ${Math.round(end.endedAt - sentAt)} ms ` +
      `(${stats.received} packets received, ${stats.lost} lost on the way and repaired), ${comparison.differing} pixels differ`);
    expect(comparison.firstDifference).toBeUndefined();
    expect(comparison.differing).toBe(0);
    expect(current.sender.errors).toEqual([]);
    expect(current.receiver.errors).toEqual([]);
  });

  it('in one home with TURN and the default policy, the pages connect directly and see each other\'s address', async ({ task }) => {
    const current = await openHomes(turnIce('all'), 'a', 'a');
    for (const peer of [current.sender, current.receiver]) await waitForPath(peer, PATH_LABELS.direct);
    await saveScreenshot(current.sender.page, task.name, 'sender-connected');
    const report = await iceReport(current.sender);
    expect(report.selected?.local.type).toBe('host');
    // The capture works: the private address does reach the other side under policy "all".
    const hostAddress = lab!.homes.a.privateAddress;
    expect(signaledCandidates(current.receiver)).toContainEqual({ address: hostAddress, type: 'host' });
    expect(captures.get(current.receiver)?.frames.join('\n')).toContain(hostAddress);
  });

  it('with ICE_TRANSPORT_POLICY=relay the link goes through TURN even in one home, and no address of either side is signaled', async ({ task }) => {
    const current = await openHomes(turnIce('relay'), 'a', 'a');
    for (const peer of [current.sender, current.receiver]) await waitForPath(peer, PATH_LABELS.relay);
    await saveScreenshot(current.sender.page, task.name, 'sender-connected');
    const home = lab!.homes.a;
    for (const peer of [current.sender, current.receiver]) {
      const report = await iceReport(peer);
      const capture = captures.get(peer)!;
      const signaled = signaledCandidates(peer);
      console.log(`relay policy, ${peer === current.sender ? 'sender' : 'receiver'}: local ${report.local.map((c) => `${c.type} ${c.address}`).join(', ')}; ` +
        `signaled to it: ${signaled.map((c) => `${c.type} ${c.address}`).join(', ')}; ${capture.frames.length} frames`);
      expect(report.iceTransportPolicy).toBe('relay');
      expect(report.selected?.local.type).toBe('relay');
      expect(report.selected?.remote.type).toBe('relay');
      expect(report.local.length).toBeGreaterThan(0);
      expect(report.local.filter((c) => c.type !== 'relay')).toEqual([]);
      expect(report.remote.filter((c) => c.type !== 'relay')).toEqual([]);
      // What the signaling server sent this page: relay candidates only, and no trace of the
      // home's private address or its router's public one (not even as a related address).
      expect(signaled.length).toBeGreaterThan(0);
      expect(signaled.filter((c) => c.type !== 'relay')).toEqual([]);
      expect(capture.pollingRequests).toBe(0);
      const everything = capture.frames.join('\n');
      expect(everything).not.toContain(home.privateAddress);
      expect(everything).not.toContain(home.publicAddress);
    }
  });
});
