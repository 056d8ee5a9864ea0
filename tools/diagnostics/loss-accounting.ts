/**
 * A diagnostic, not a benchmark: `npx tsx tools/diagnostics/loss-accounting.ts` (as root it
 * re-runs itself in the private network namespace).
 *
 * **Question:** where are the packets the panel counts as lost lost? Over an emulated path
 * (test/e2e/harness/path-emulator.ts) it sends the full-HD photo through the app, in a fresh room
 * per run, and sets side by side, per peer connection (stripe) and over the transfer:
 *  - the sender's data channel: messages handed to it, and the receiver's: messages that came out;
 *  - the sender's selected candidate pair: packets sent, and those Chromium refused to send
 *    (`packetsDiscardedOnSend`); the receiver's: packets received;
 *  - the path: UDP packets that reached the namespace's input hook and those it dropped, per
 *    direction (by destination port: nftables sets counting before and after the loss rule),
 *    all sizes and data-sized ones (over 1,000 bytes);
 *  - the app's own figures: sent, received, lost, duplicates, repair rounds (receiver's panel).
 * Each stage's loss is then the difference between two neighbouring counts, so a message lost
 * beyond what the path dropped shows where it went missing.
 *
 * LOSS_PATH: the profile (default `wifi`). LOSS_RUNS (default 3). LOSS_ORDER (default `rows`).
 * LOSS_PACKET_BYTES: the packet size set in the send form (default: the form's own, 1,150).
 * LOSS_SETTLE_MS: wait after the receiver shows the end before the counters are read (default
 * 1,500), so that stragglers are counted as arrived. LOSS_SCTP_LOG=1 also reads dcSCTP's log of
 * every packet (sctp-log.ts) and prints, per sending association, its DATA chunks, how many of
 * them carried a fragment of a message rather than a whole one, and its largest packet; the
 * logging slows Chromium several times over, so the times of those runs are not the app's.
 */
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { chooseImage, FileStage, openRoom, readStats, setSendOptions, startAppServer, startTransfer, textOf, waitForTransferEnd } from '../../test/e2e/harness/app.ts';
import { buildWebApp } from '../../test/e2e/harness/build.ts';
import { runUnderE2eRunner } from '../../test/e2e/harness/in-namespace.ts';
import type * as IceRecord from '../../test/e2e/harness/page/ice-record.ts';
import type { ConnectionCounters } from '../../test/e2e/harness/page/ice-record.ts';
import { pageScript } from '../../test/e2e/harness/page-script.ts';
import { applyPathLoss, clearPathLoss, countersSince, overPath, pathCounters, pathProfile } from '../../test/e2e/harness/path-emulator.ts';
import { photoBmp } from '../../test/e2e/harness/photos.ts';
import { median, printTable } from '../../bench/measure.ts';
import { launchWithSctpLog, SctpLog, summarizeSender } from './sctp-log.ts';

declare global {
  interface Window {
    iceRecord: typeof IceRecord;
  }
}

runUnderE2eRunner(import.meta.url);

const PATH = pathProfile(process.env.LOSS_PATH ?? 'wifi');
const RUNS = Number(process.env.LOSS_RUNS ?? 3);
const ORDER = (process.env.LOSS_ORDER ?? 'rows') as 'rows' | 'interlaced' | 'scattered';
const PACKET_BYTES = process.env.LOSS_PACKET_BYTES;
const SETTLE_MS = Number(process.env.LOSS_SETTLE_MS ?? 1_500);
const sctpLog = process.env.LOSS_SCTP_LOG === '1' ? new SctpLog() : undefined;
const ICE_RECORD = pageScript(new URL('../../test/e2e/harness/page/ice-record.ts', import.meta.url), 'iceRecord');
/** A UDP packet over this many bytes (IP length) carries a data packet. */
const DATA_SIZED_BYTES = 1_000;

const TABLE = 'pixeldrop_loss_accounting';
/** IP lengths listed per run, commonest first. */
const SIZES_SHOWN = 8;

function nft(args: string[], input?: string): string {
  const result = spawnSync('nft', args, { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`nft ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * Counts UDP packets per destination port and IP length, just before and just after the path's
 * loss rule (priority 0 on the input hook): what a port was sent less what it was left is what
 * the path dropped on the way to it.
 */
function startPortCounters(): void {
  const sets = ['before', 'after']
    .map((name) => `set ${name} { typeof udp dport . meta length; size 65535; flags dynamic; counter; }`)
    .join('\n  ');
  nft(['-f', '-'], `table inet ${TABLE} {
  ${sets}
  chain pre {
    type filter hook input priority -10; policy accept;
    meta l4proto udp update @before { udp dport . meta length }
  }
  chain post {
    type filter hook input priority 10; policy accept;
    meta l4proto udp update @after { udp dport . meta length }
  }
}
`);
}

function stopPortCounters(): void {
  if (nft(['list', 'tables']).includes(`inet ${TABLE}`)) nft(['delete', 'table', 'inet', TABLE]);
}

/** Packets per `port:length`, before and after the loss rule. */
type PortCounts = Record<'before' | 'after', Map<string, number>>;

function readPortCounters(): PortCounts {
  const read = (name: string) => {
    const listed = JSON.parse(nft(['-j', 'list', 'set', 'inet', TABLE, name])) as {
      nftables: Array<{ set?: { elem?: Array<{ elem: { val: { concat: [number, number] }; counter: { packets: number } } }> } }>;
    };
    const elements = listed.nftables.find((entry) => entry.set)?.set?.elem ?? [];
    return new Map(elements.map(({ elem }) => [elem.val.concat.join(':'), elem.counter.packets]));
  };
  return { before: read('before'), after: read('after') };
}

/** Per IP length, packets to `port` that reached the hook between two readings, and those the path dropped. */
function sizesToPort(from: PortCounts, to: PortCounts, port: number): Map<number, { arrived: number; dropped: number }> {
  const sizes = new Map<number, { arrived: number; dropped: number }>();
  for (const [key, count] of to.before) {
    const [p, length] = key.split(':').map(Number) as [number, number];
    if (p !== port) continue;
    const arrived = count - (from.before.get(key) ?? 0);
    const passed = (to.after.get(key) ?? 0) - (from.after.get(key) ?? 0);
    if (arrived > 0) sizes.set(length, { arrived, dropped: arrived - passed });
  }
  return sizes;
}

/** Packets to `port` (over `minLength` bytes) that reached the hook, and those the path dropped. */
function toPort(from: PortCounts, to: PortCounts, port: number, minLength = 0): { arrived: number; dropped: number } {
  let arrived = 0;
  let dropped = 0;
  for (const [length, counts] of sizesToPort(from, to, port)) {
    if (length <= minLength) continue;
    arrived += counts.arrived;
    dropped += counts.dropped;
  }
  return { arrived, dropped };
}

const counters = (page: Page) => page.evaluate(() => window.iceRecord.connectionCounters());

/** The packet channel of a connection: simple-peer names it at random; the others are named. */
function packetChannel(connection: ConnectionCounters | undefined) {
  return connection?.channels.find((channel) => channel.label !== 'control' && channel.label !== 'verification');
}

function since(before: ConnectionCounters[], after: ConnectionCounters[]): ConnectionCounters[] {
  return after.map((now) => {
    const then = before.find((c) => c.index === now.index && c.localPort === now.localPort);
    const minus = (key: 'packetsSent' | 'packetsReceived' | 'packetsDiscardedOnSend' | 'bytesDiscardedOnSend') => now[key] - (then?.[key] ?? 0);
    return {
      ...now,
      packetsSent: minus('packetsSent'),
      packetsReceived: minus('packetsReceived'),
      packetsDiscardedOnSend: minus('packetsDiscardedOnSend'),
      bytesDiscardedOnSend: minus('bytesDiscardedOnSend'),
      channels: now.channels.map((channel) => {
        const old = then?.channels.find((c) => c.label === channel.label);
        return {
          ...channel,
          messagesSent: channel.messagesSent - (old?.messagesSent ?? 0),
          messagesReceived: channel.messagesReceived - (old?.messagesReceived ?? 0),
          bytesSent: channel.bytesSent - (old?.bytesSent ?? 0),
          bytesReceived: channel.bytesReceived - (old?.bytesReceived ?? 0),
        };
      }),
    };
  });
}

/** Per association that sent data: DATA chunks, those resent, fragments among them, largest SCTP packet, FORWARD-TSNs. */
function printSctp(log: SctpLog): void {
  const endpoints = new Set(log.packets.filter((p) => p.direction === 'O' && p.chunks.some((c) => c.type === 'data' && c.bytes > DATA_SIZED_BYTES)).map((p) => p.endpoint));
  const rows = [...endpoints].map((endpoint) => {
    const s = summarizeSender(log.packets, endpoint);
    return [endpoint, s.dataChunks, s.retransmitted, s.fragments, pct(s.fragments, s.dataChunks), s.largestPacket, s.forwardTsns];
  });
  printTable('dcSCTP, per sending association', ['endpoint', 'DATA chunks', 'resent', 'fragments', 'fragments %', 'largest packet B', 'FORWARD-TSNs'], rows);
}

const pct = (part: number, whole: number) => (whole > 0 ? ((100 * part) / whole).toFixed(2) : '—');

buildWebApp();
const stage = new FileStage();
const { browser, chromiumServer } = await launchWithSctpLog(sctpLog);
const appServer = await startAppServer();
const imagePath = stage.path('full-hd.bmp', photoBmp('coffee', 1920, 1080));
const shown: number[] = [];
const messageLoss: number[] = [];
const pathLoss: number[] = [];
const times: number[] = [];

try {
  applyPathLoss(PATH);
  startPortCounters();
  for (let run = 0; run < RUNS; run++) {
    const pair = await openRoom(browser, appServer, {
      prepare: async (peer, role) => {
        await peer.context.addInitScript({ content: ICE_RECORD });
        await overPath(PATH)(peer, role);
      },
    });
    try {
      if ((await chooseImage(pair.sender.page, imagePath)) !== 'ready') throw new Error('the app refused the image');
      await setSendOptions(pair.sender.page, { order: ORDER, lossPct: 0, repair: true });
      if (PACKET_BYTES !== undefined) await pair.sender.page.getByTestId('opt-packet-size').fill(PACKET_BYTES);
      const senderBefore = await counters(pair.sender.page);
      const receiverBefore = await counters(pair.receiver.page);
      const portsBefore = readPortCounters();
      const pathBefore = pathCounters();
      if (sctpLog) sctpLog.packets.length = 0;
      const startedAt = await startTransfer(pair);
      const end = await waitForTransferEnd(pair.receiver.page, 120_000);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const senderDiff = since(senderBefore, await counters(pair.sender.page));
      const receiverDiff = since(receiverBefore, await counters(pair.receiver.page));
      const portsAfter = readPortCounters();
      const applied = countersSince(pathBefore);
      const stats = await readStats(pair.receiver.page);
      const duplicates = Number(await textOf(pair.receiver.page, 'stat-duplicates'));
      const repairRounds = Number(await textOf(pair.receiver.page, 'stat-repair-rounds'));
      const ms = end.endedAt - startedAt;

      const rows: (string | number)[][] = [];
      const forwardSizes = new Map<number, { arrived: number; dropped: number }>();
      const total = { messagesSent: 0, messagesReceived: 0, packetsSent: 0, discarded: 0, reachedPath: 0, dropped: 0, packetsReceived: 0, backDropped: 0, backArrived: 0 };
      for (const s of senderDiff) {
        const r = receiverDiff.find((c) => c.localPort === s.remotePort && c.remotePort === s.localPort);
        const sent = packetChannel(s)?.messagesSent ?? 0;
        const received = packetChannel(r)?.messagesReceived ?? 0;
        const forward = toPort(portsBefore, portsAfter, s.remotePort);
        const forwardBig = toPort(portsBefore, portsAfter, s.remotePort, DATA_SIZED_BYTES);
        for (const [length, counts] of sizesToPort(portsBefore, portsAfter, s.remotePort)) {
          const old = forwardSizes.get(length) ?? { arrived: 0, dropped: 0 };
          forwardSizes.set(length, { arrived: old.arrived + counts.arrived, dropped: old.dropped + counts.dropped });
        }
        const back = toPort(portsBefore, portsAfter, s.localPort);
        rows.push([
          s.index,
          s.connectionState,
          sent,
          received,
          pct(sent - received, sent),
          s.packetsSent,
          s.packetsDiscardedOnSend,
          forward.arrived,
          forward.dropped,
          pct(forward.dropped, forward.arrived),
          `${forwardBig.dropped}/${forwardBig.arrived}`,
          r?.packetsReceived ?? '?',
          `${back.dropped}/${back.arrived}`,
        ]);
        total.messagesSent += sent;
        total.messagesReceived += received;
        total.packetsSent += s.packetsSent;
        total.discarded += s.packetsDiscardedOnSend;
        total.reachedPath += forward.arrived;
        total.dropped += forward.dropped;
        total.packetsReceived += r?.packetsReceived ?? 0;
        total.backDropped += back.dropped;
        total.backArrived += back.arrived;
      }
      rows.push([
        'all',
        '',
        total.messagesSent,
        total.messagesReceived,
        pct(total.messagesSent - total.messagesReceived, total.messagesSent),
        total.packetsSent,
        total.discarded,
        total.reachedPath,
        total.dropped,
        pct(total.dropped, total.reachedPath),
        '',
        total.packetsReceived,
        `${total.backDropped}/${total.backArrived}`,
      ]);
      printTable(
        `${PATH.name}, run ${run + 1}/${RUNS}: ${end.state} in ${ms.toFixed(0)} ms; panel: ${stats.sent} sent, ${stats.received} received, ` +
          `${stats.lost} lost (${stats.lossPct} %), ${duplicates} duplicates, ${repairRounds} repair rounds, ${stats.stripes} stripes; ` +
          `emulator: ${applied.dropped} of ${applied.passed + applied.dropped} UDP packets dropped (${pct(applied.dropped, applied.passed + applied.dropped)} %)`,
        ['conn', 'state', 'msgs sent', 'msgs recv', 'msg loss %', 'pkts sent', 'discarded on send', 'at path →', 'dropped →', 'path loss → %', 'data-sized dropped/at path →', 'pkts recv', 'dropped/at path ←'],
        rows,
      );
      const commonest = [...forwardSizes].sort((a, b) => b[1].arrived - a[1].arrived).slice(0, SIZES_SHOWN);
      console.log(
        `sender → receiver, commonest IP lengths (packets, dropped): ${commonest.map(([length, c]) => `${length} B ×${c.arrived} (${c.dropped})`).join(', ')}`,
      );
      if (sctpLog) printSctp(sctpLog);
      shown.push(stats.lossPct);
      messageLoss.push((100 * (total.messagesSent - total.messagesReceived)) / Math.max(1, total.messagesSent));
      pathLoss.push((100 * applied.dropped) / Math.max(1, applied.passed + applied.dropped));
      times.push(ms);
    } finally {
      await pair.close();
    }
  }
  console.log(
    `\n${PATH.name}, medians of ${RUNS}: panel shows ${median(shown).toFixed(2)} % lost, packet channels lost ${median(messageLoss).toFixed(2)} % of messages, ` +
      `emulator dropped ${median(pathLoss).toFixed(2)} % of UDP packets; exact in ${median(times).toFixed(0)} ms`,
  );
} finally {
  stopPortCounters();
  clearPathLoss();
  await appServer.close();
  await browser.close();
  await chromiumServer.close();
  stage.remove();
}
