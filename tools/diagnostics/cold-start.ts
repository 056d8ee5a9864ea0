/**
 * A diagnostic, not a benchmark: `npx tsx tools/diagnostics/cold-start.ts` (as root it re-runs itself in
 * the private network namespace). The first full-HD transfer after two pages connect, and the one
 * after it, in COLD_RUNS fresh rooms (default 3): how long each took and what it lost, with what
 * Chromium itself records on the way:
 *  - its p2p trace: the sends the sending renderer could not hand to the network service because
 *    too much was already in flight to it (MaxPendingBytesWouldBlock), and the least room left
 *    (P2PSendBytesAvailable; the room is 640 KiB when nothing is in flight);
 *  - with COLD_SCTP_LOG=1, dcSCTP's log of every SCTP packet, read from Chromium's stderr: the
 *    most gap blocks in one SACK, the FORWARD-TSNs and how far each moved the acknowledged
 *    point, and the sender's longest pause in sending DATA. Logging every packet slows Chromium
 *    several times over, so the times of those runs are not the app's.
 * COLD_LOSS=n drops n % of incoming UDP packets (nftables) during each second transfer, to set the
 * stalls of real loss beside those of the first transfer.
 */
import type { Browser } from 'playwright-core';
import { median } from '../../bench/measure.ts';
import { chooseImage, FileStage, openRoom, readStats, setSendOptions, startAppServer, startTransfer, waitForTransferEnd, type AppPair } from '../../test/e2e/harness/app.ts';
import { applyPacketLoss, clearPacketLoss, realLossUnavailable } from '../../test/e2e/harness/packet-loss.ts';
import { photoBmp } from '../../test/e2e/harness/photos.ts';
import { runUnderE2eRunner } from '../../test/e2e/harness/in-namespace.ts';
import { busiestSender, launchWithSctpLog, SctpLog, summarizeSender } from './sctp-log.ts';

runUnderE2eRunner(import.meta.url);

const RUNS = Number(process.env.COLD_RUNS ?? 3);
const LOSS = Number(process.env.COLD_LOSS ?? 0);
const lossUnavailable = LOSS > 0 ? realLossUnavailable() : undefined;
if (lossUnavailable) throw new Error(`COLD_LOSS needs real packet loss: ${lossUnavailable}`);
const SCTP_LOGGING = process.env.COLD_SCTP_LOG === '1';

interface TraceEvent { name: string; ph: string; args?: Record<string, unknown> }

async function transfer(browser: Browser, pair: AppPair, log: SctpLog): Promise<{ line: string; ms: number }> {
  log.packets.length = 0;
  await browser.startTracing(undefined, { categories: ['p2p'] });
  const startedAt = await startTransfer(pair);
  const { state, endedAt } = await waitForTransferEnd(pair.receiver.page, 120_000);
  // The last log lines and trace events of the transfer arrive a moment after it ends.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const stats = await readStats(pair.receiver.page);
  const blocked = events.filter((e) => e.name === 'MaxPendingBytesWouldBlock').length;
  const room = events.filter((e) => e.name === 'P2PSendBytesAvailable').flatMap((e) => Object.values(e.args ?? {}).filter((v): v is number => typeof v === 'number'));
  const ms = endedAt - startedAt;
  let line = `${state} in ${ms.toFixed(0)} ms, ${stats.lost} packets lost (${stats.lossPct} %); ${blocked} sends blocked, least room to the network service ${room.length ? (Math.min(...room) / 1024).toFixed(0) : '?'} KiB`;
  const sender = busiestSender(log.packets);
  if (sender !== undefined) {
    const s = summarizeSender(log.packets, sender);
    line +=
      `\n    SCTP: ${s.dataChunks} DATA chunks (${s.retransmitted} resent), SACKs with up to ${s.mostGapBlocks} gap blocks, ` +
      `${s.forwardTsns} FORWARD-TSNs moving the acknowledged point by a median ${s.forwardTsnMedianStep} chunks (largest ${s.forwardTsnLargestStep}), ` +
      `longest pause in DATA ${s.longestDataPause.toFixed(0)} ms (${s.longestDataPauseAt.toFixed(0)} ms after the first)`;
  }
  return { line, ms };
}

const log = new SctpLog();
const stage = new FileStage();
const server = await startAppServer();
const { browser, chromiumServer } = await launchWithSctpLog(SCTP_LOGGING ? log : undefined);
const firsts: number[] = [];
const seconds: number[] = [];
try {
  const path = stage.path('full-hd.bmp', photoBmp('coffee', 1920, 1080));
  for (let run = 0; run < RUNS; run++) {
    const pair = await openRoom(browser, server);
    try {
      if ((await chooseImage(pair.sender.page, path)) !== 'ready') throw new Error('the app refused the image');
      await setSendOptions(pair.sender.page, { order: 'rows', lossPct: 0, repair: true });
      const first = await transfer(browser, pair, log);
      if (LOSS > 0) applyPacketLoss(LOSS);
      const second = await transfer(browser, pair, log).finally(clearPacketLoss);
      firsts.push(first.ms);
      seconds.push(second.ms);
      console.log(`room ${run + 1}\n  first transfer: ${first.line}\n  second${LOSS > 0 ? `, ${LOSS} % real loss` : ''}: ${second.line}`);
    } finally {
      await pair.close();
    }
  }
  console.log(`\nmedians of ${RUNS}: first transfer ${median(firsts).toFixed(0)} ms, second ${median(seconds).toFixed(0)} ms`);
} finally {
  await browser.close();
  await chromiumServer.close();
  await server.close();
  stage.remove();
}
