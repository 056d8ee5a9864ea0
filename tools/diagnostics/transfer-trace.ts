/**
 * A diagnostic, not a benchmark: `npx tsx tools/diagnostics/transfer-trace.ts` (as root it re-runs itself
 * in the private network namespace). What the summary table of bench:e2e cannot show:
 *   1. which receiver task is long during a 4000×3000 transfer — a Chromium trace of the
 *      receiving page, each task over 50 ms (TRACE_TASK_MS) listed with the work inside it;
 *   2. where the time goes under real loss — every message on both data channels, timestamped
 *      on both pages, folded into passes, waits and losses per repair round and per stripe (with
 *      what each channel held when the end-of-pass went, and where its copies went and came),
 *      with the longest pauses in sending and arriving and, for the first pass, the legs of the
 *      sender's window and what the channel still held when the sender resumed after a pause
 *      (also without loss: TRACE_LOSS=0).
 * It builds the app unminified into a directory of its own, so function names in the trace are
 * the source's. Environment: TRACE_PARTS (health,loss; also tiles, profile, timeline, cpu, start),
 * TRACE_RUNS (3), TRACE_LOSS (5 %), TRACE_TASK_MS (50: the receiver tasks the health part
 * lists), TRACE_NO_CLEAN=1 skips the no-loss runs, TRACE_ALTERNATE=1
 * sends a full-HD image before each 4000×3000 one as bench:e2e does, TRACE_CALLERS=f,g lists the
 * profile's callers of those functions, TRACE_THREAD_TIME=1 makes the timeline CPU time, and the
 * experiments TRACE_HIDE_CANVAS=1 and TRACE_MAX_RETRANSMITS=n described where they act;
 * TRACE_SAVE=prefix writes each health run's whole trace to prefix-N.json (for chrome://tracing
 * or Perfetto).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeControlMessage, DEFAULT_MANIFEST_LIMITS } from '../../shared/protocol/index.ts';
import { chooseImage, FileStage, type AppPair, openRoom, setSendOptions, startAppServer, startTransfer, waitForTransferEnd } from '../../test/e2e/harness/app.ts';
import { launchChromium } from '../../test/e2e/harness/chromium.ts';
import { applyPacketLoss, clearPacketLoss } from '../../test/e2e/harness/packet-loss.ts';
import { photoBmp } from '../../test/e2e/harness/photos.ts';
import { runUnderE2eRunner } from '../../test/e2e/harness/in-namespace.ts';

runUnderE2eRunner(import.meta.url);

const PARTS = (process.env.TRACE_PARTS ?? 'health,loss').split(',');
const LOSS = Number(process.env.TRACE_LOSS ?? 5);
const RUNS = Number(process.env.TRACE_RUNS ?? 3);
/** Receiver tasks at least this long (ms) are listed by the health part. */
const TASK_MS = Number(process.env.TRACE_TASK_MS ?? 50);
const DIST = fileURLToPath(new URL('../../node_modules/.cache/pixeldrop-trace/web-dist', import.meta.url));

/** Records every message sent and received on every data channel of the page, with epoch times. */
const CHANNEL_TAP = `(() => {
  const log = (window.__channelLog = []);
  const now = () => performance.timeOrigin + performance.now();
  // Each channel object of the page gets a number in the order it first carries a message.
  const ids = new WeakMap();
  const seen = [];
  let channels = 0;
  const entry = (direction, channel, data) => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!bytes || bytes.length < 2) return;
    if (!ids.has(channel)) { ids.set(channel, channels++); seen.push(new WeakRef(channel)); }
    const id = ids.get(channel);
    // Data packets, coded (type 8) or not, are logged as type 2 by sequence.
    if (bytes[1] === 2 || bytes[1] === 8) log.push([now(), direction, 2, bytes[6] | (bytes[7] << 8) | (bytes[8] << 16) | (bytes[9] << 24), channel.bufferedAmount, id]);
    else {
      // An end-of-pass sent: what every channel of the page still held then.
      const held = bytes[1] === 3 && direction === 's' ? seen.map((ref) => ref.deref()).filter((c) => c && c.bufferedAmount > 0).map((c) => [ids.get(c), c.bufferedAmount]) : [];
      log.push([now(), direction, bytes[1], btoa(String.fromCharCode(...bytes)), channel.bufferedAmount, id, held]);
    }
  };
  const P = RTCDataChannel.prototype;
  const send = P.send;
  P.send = function (data) { entry('s', this, data); return send.call(this, data); };
  const add = P.addEventListener;
  P.addEventListener = function (type, listener, options) {
    if (type === 'message') { const inner = listener; const ch = this; listener = (event) => { entry('r', ch, event.data); return inner.call(ch, event); }; }
    return add.call(this, type, listener, options);
  };
  const desc = Object.getOwnPropertyDescriptor(P, 'onmessage');
  Object.defineProperty(P, 'onmessage', { configurable: true, get() { return desc.get.call(this); }, set(fn) { const ch = this; desc.set.call(this, fn && ((event) => { entry('r', ch, event.data); return fn.call(ch, event); })); } });
})();`;

/**
 * Experiment (TRACE_MAX_RETRANSMITS=n): the packet channel with SCTP retransmitting each lost
 * message up to n times instead of never, to see what real loss costs the unreliable channel.
 */
const RETRANSMITS = process.env.TRACE_MAX_RETRANSMITS;
const RETRANSMIT_PATCH = RETRANSMITS === undefined ? '' : `(() => {
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (label, init) {
    return create.call(this, label, init && init.maxRetransmits === 0 ? { ...init, maxRetransmits: ${Number(RETRANSMITS)} } : init);
  };
})();`;

/**
 * Epoch ms, sent or received, message type, sequence (data) or base64 (control), the channel's
 * bufferedAmount, the channel's number in its page; for an end-of-pass sent, what every channel
 * that held bytes then held ([number, bytes]).
 */
type LogEntry = [number, 's' | 'r', number, number | string, number, number, ([number, number][] | undefined)?];

function build(): void {
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--minify', 'false', '--outDir', DIST, '--emptyOutDir'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed');
}

/** Every new context gets the channel tap before any page script runs. */
function tapContexts(browser: Browser): void {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context: BrowserContext = await newContext(options);
    await context.addInitScript(CHANNEL_TAP + RETRANSMIT_PATCH);
    return context;
  };
}

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: any }

/** The receiver's long tasks, each with the events over 3 ms inside it, from a Chromium trace. */
function longTasks(events: TraceEvent[], receiverPid: number): string[] {
  const main = events.find((e) => e.pid === receiverPid && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return ['(no CrRendererMain thread for the receiver)'];
  const onMain = events.filter((e) => e.pid === receiverPid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur! > TASK_MS * 1000);
  return tasks.map((task) => {
    const inside = onMain
      .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && e.dur! > 3_000)
      .map((e) => {
        const d = e.args?.data ?? {};
        const what = d.functionName || d.url ? ` ${d.functionName ?? ''} ${String(d.url ?? '').split('/').pop()}:${d.lineNumber ?? ''}` : d.type ? ` ${d.type}` : '';
        return `      ${(e.dur! / 1000).toFixed(1).padStart(6)} ms  ${e.name}${what}`;
      });
    // tdur is the thread's CPU time: on 2 busy cores a long task is often mostly time not running.
    const cpu = task.tdur === undefined ? '' : ` (main thread ran ${(task.tdur / 1000).toFixed(1)} ms of it)`;
    return [`  task ${(task.dur! / 1000).toFixed(1)} ms${cpu}`, ...inside.slice(0, 25)].join('\n');
  });
}

/** How long each canvas commit took (ms): its cost follows the canvas's size, not what changed. */
function canvasCommits(events: TraceEvent[], pid: number): number[] {
  return events.filter((e) => e.pid === pid && e.name === 'Canvas2DResourceProvider::ProduceCanvasResource' && e.dur !== undefined).map((e) => e.dur! / 1000);
}

async function health(browser: Browser, pair: AppPair, stage: FileStage): Promise<void> {
  const { page } = pair.sender;
  const receiver = pair.receiver.page;
  const path = stage.path('4000x3000.bmp', photoBmp('coffee', 4000, 3000));
  if ((await chooseImage(page, path)) !== 'ready') throw new Error('the app refused the image');
  await setSendOptions(page, { order: 'rows', lossPct: 0, repair: true });
  // Experiment: a canvas out of the layer tree is never committed to the compositor.
  if (process.env.TRACE_HIDE_CANVAS === '1') await receiver.addStyleTag({ content: '[data-testid="receive-image"] { display: none !important }' });
  const fullHd = stage.path('between.bmp', photoBmp('coffee', 1920, 1080));
  for (let run = 0; run < RUNS; run++) {
    if (process.env.TRACE_ALTERNATE === '1') {
      // As bench:e2e does: a full-HD transfer between, so the canvas is resized for every run.
      await chooseImage(page, fullHd);
      await startTransfer(pair);
      await waitForTransferEnd(receiver, 60_000);
      await chooseImage(page, path);
    }
    await browser.startTracing(receiver, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'] });
    const startedAt = await startTransfer(pair);
    const { state, endedAt } = await waitForTransferEnd(receiver, 120_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const raw = await browser.stopTracing();
    if (process.env.TRACE_SAVE) writeFileSync(`${process.env.TRACE_SAVE}-${run + 1}.json`, raw);
    const trace = JSON.parse(raw.toString()) as { traceEvents: TraceEvent[] };
    // Tracing covers the whole browser: both pages' renderers are listed; the receiver's is the
    // one whose animation-frame callbacks paint (ReceiveDisplay's #paintFrame).
    const pids = [...new Set(trace.traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => e.pid))];
    console.log(`\n4000×3000 run ${run + 1}: ${state}, ${(endedAt - startedAt).toFixed(0)} ms; renderers ${pids.join(', ')}`);
    for (const pid of pids) {
      const lines = longTasks(trace.traceEvents, pid);
      const commits = canvasCommits(trace.traceEvents, pid);
      console.log(` pid ${pid}: ${lines.length} tasks over ${TASK_MS} ms; ${commits.length} canvas commits, ms: ${commits.map((d) => d.toFixed(0)).join(' ')}`);
      for (const line of lines) console.log(line);
    }
  }
}

/**
 * Experiment: the cost of the first commits of a fresh 4000×3000 canvas against the same pixels
 * in twelve 4000×250 canvases, painted half a megapixel per frame as the app does.
 */
async function tiles(browser: Browser, page: Page): Promise<void> {
  for (const rows of [3000, 250, 3000, 250]) {
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink'] });
    const ms = await page.evaluate(async (tileRows) => {
      const width = 4000;
      const host = document.createElement('div');
      document.body.prepend(host);
      const canvases = Array.from({ length: 3000 / tileRows }, () => {
        const c = document.createElement('canvas');
        c.width = width;
        c.height = tileRows;
        c.style.cssText = 'display:block;width:800px;height:auto';
        host.append(c);
        return c.getContext('2d')!;
      });
      const strip = new ImageData(width, 128);
      strip.data.fill(200);
      const started = performance.now();
      for (let y = 0; y < 3000; y += 128) {
        const tile = Math.floor(y / tileRows);
        canvases[tile]!.putImageData(strip, 0, y - tile * tileRows);
        await new Promise(requestAnimationFrame);
      }
      host.remove();
      return performance.now() - started;
    }, rows);
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    const pids = [...new Set(trace.traceEvents.filter((e) => e.name === 'Canvas2DResourceProvider::ProduceCanvasResource').map((e) => e.pid))];
    for (const pid of pids) {
      const commits = canvasCommits(trace.traceEvents, pid).filter((d) => d >= 1);
      console.log(`canvases of 4000×${rows}: ${ms.toFixed(0)} ms painting; pid ${pid}: longest tasks ${longTasks(trace.traceEvents, pid).length} over 50 ms; commits ≥ 1 ms: ${commits.map((d) => d.toFixed(0)).join(' ')}`);
    }
  }
}

function fmt(n: number): string {
  return n.toFixed(0).padStart(6);
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Functions whose callers the profile part lists (TRACE_CALLERS=name,name). */
const CALLERS = (process.env.TRACE_CALLERS ?? '').split(',').filter(Boolean);

function frameName(node: ProfileNode): string {
  const frame = node.callFrame;
  return `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}`;
}

/**
 * Sampled JS time per function (self time, ms) of one page's CPU profile, the longest first; for
 * a function named in TRACE_CALLERS, also per chain of its three nearest callers ("f < g < h").
 */
function selfTimes(profile: CpuProfile): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const totals = new Map<string, number>();
  const add = (name: string, ms: number) => totals.set(name, (totals.get(name) ?? 0) + ms);
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    add(frameName(node), ms);
    if (!CALLERS.includes(node.callFrame.functionName)) return;
    const chain = [node.callFrame.functionName];
    for (let up = parentOf.get(node.id); up && chain.length < 4; up = parentOf.get(up.id)) chain.push(frameName(up));
    add(chain.join(' < '), ms);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/**
 * Where each page's main thread spends a full-HD transfer without loss: a V8 CPU profile of the
 * sender and the receiver (sampling every 0.2 ms), summed over the runs.
 */
async function profile(pair: AppPair, stage: FileStage): Promise<void> {
  const pages = { sender: pair.sender.page, receiver: pair.receiver.page };
  if ((await chooseImage(pages.sender, stage.path('profile.bmp', photoBmp('coffee', 1920, 1080)))) !== 'ready') throw new Error('the app refused the image');
  await setSendOptions(pages.sender, { order: 'rows', lossPct: 0, repair: true });
  const sessions = await Promise.all(Object.values(pages).map((p) => p.context().newCDPSession(p)));
  const totals = [new Map<string, number>(), new Map<string, number>()];
  let transferMs = 0;
  for (let run = 0; run < RUNS; run++) {
    for (const cdp of sessions) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const startedAt = await startTransfer(pair);
    const { state, endedAt } = await waitForTransferEnd(pages.receiver, 60_000);
    transferMs += endedAt - startedAt;
    console.log(`full-HD run ${run + 1}: ${state} in ${(endedAt - startedAt).toFixed(0)} ms`);
    for (const [i, cdp] of sessions.entries()) {
      const { profile: p } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      for (const [name, ms] of selfTimes(p)) totals[i]!.set(name, (totals[i]!.get(name) ?? 0) + ms);
    }
  }
  for (const [i, side] of Object.keys(pages).entries()) {
    const rows = [...totals[i]!].sort((a, b) => b[1] - a[1]);
    const busy = rows.filter(([name]) => !name.startsWith('(idle)')).reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`\n${side}: ${(busy / RUNS).toFixed(0)} ms of samples per run outside (idle), transfers ${(transferMs / RUNS).toFixed(0)} ms; self time per run:`);
    for (const [name, ms] of rows.filter(([n], k) => k < 22 || n.includes(' < ')).slice(0, 40)) console.log(`  ${(ms / RUNS).toFixed(1).padStart(7)} ms  ${name}`);
  }
}

/**
 * Self time (ms) per trace event name on one thread: each event's duration less its children's.
 * With TRACE_THREAD_TIME=1 the thread time (CPU) instead of the wall time: on 2 busy cores a
 * thread is often waiting for a core in the middle of an event.
 */
function selfTimeByEvent(events: TraceEvent[], pid: number, tid: number): Map<string, number> {
  const cpu = process.env.TRACE_THREAD_TIME === '1';
  const length = (e: TraceEvent) => (cpu ? (e.tdur ?? 0) : e.dur!);
  const onThread = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const totals = new Map<string, number>();
  const stack: Array<{ event: TraceEvent; children: number }> = [];
  const close = (until: number) => {
    while (stack.length > 0 && stack.at(-1)!.event.ts + stack.at(-1)!.event.dur! <= until) {
      const { event, children } = stack.pop()!;
      const d = event.args?.data ?? {};
      const name = event.name === 'FunctionCall' || event.name === 'EventDispatch' ? `${event.name} ${d.functionName ?? d.type ?? ''}` : event.name;
      totals.set(name, (totals.get(name) ?? 0) + (length(event) - children) / 1000);
    }
  };
  for (const event of onThread) {
    close(event.ts);
    if (stack.length > 0) stack.at(-1)!.children += length(event);
    stack.push({ event, children: 0 });
  }
  close(Number.POSITIVE_INFINITY);
  return totals;
}

/**
 * Where the receiver's main thread spends a full-HD transfer without loss, by trace event (self
 * time, summed over the runs): what a JS profile shows only as "(program)".
 */
async function timeline(browser: Browser, pair: AppPair, stage: FileStage): Promise<void> {
  const receiver = pair.receiver.page;
  if ((await chooseImage(pair.sender.page, stage.path('timeline.bmp', photoBmp('coffee', 1920, 1080)))) !== 'ready') throw new Error('the app refused the image');
  await setSendOptions(pair.sender.page, { order: 'rows', lossPct: 0, repair: true });
  const totals = new Map<string, Map<string, number>>();
  for (let run = 0; run < RUNS; run++) {
    await browser.startTracing(receiver, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'cc', 'toplevel'] });
    const startedAt = await startTransfer(pair);
    const { state, endedAt } = await waitForTransferEnd(receiver, 60_000);
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    console.log(`full-HD run ${run + 1}: ${state} in ${(endedAt - startedAt).toFixed(0)} ms`);
    for (const thread of trace.traceEvents.filter((e) => e.name === 'thread_name' && /CrRendererMain|Compositor$/.test(e.args?.name))) {
      const key = `${thread.args.name} pid ${thread.pid}`;
      const into = totals.get(key) ?? new Map<string, number>();
      for (const [name, ms] of selfTimeByEvent(trace.traceEvents, thread.pid, thread.tid)) into.set(name, (into.get(name) ?? 0) + ms);
      totals.set(key, into);
    }
  }
  for (const [thread, byName] of totals) {
    const rows = [...byName].sort((a, b) => b[1] - a[1]);
    console.log(`\n${thread}: ${(rows.reduce((sum, [, ms]) => sum + ms, 0) / RUNS).toFixed(0)} ms traced per run; self time per run:`);
    for (const [name, ms] of rows.slice(0, 25)) console.log(`  ${(ms / RUNS).toFixed(1).padStart(7)} ms  ${name}`);
  }
}

/**
 * What each page's main thread does in the first 150 ms of a full-HD transfer, from the Send
 * click: every task over 2 ms with the events over 1 ms inside it, in ms from the click. Packets
 * sent at once can only be placed once the receiver's main thread is free.
 */
async function start(browser: Browser, pair: AppPair, stage: FileStage): Promise<void> {
  if ((await chooseImage(pair.sender.page, stage.path('start.bmp', photoBmp('coffee', 1920, 1080)))) !== 'ready') throw new Error('the app refused the image');
  await setSendOptions(pair.sender.page, { order: 'rows', lossPct: 0, repair: true });
  for (let run = 0; run < RUNS; run++) {
    await browser.startTracing(pair.receiver.page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'] });
    const startedAt = await startTransfer(pair);
    const { endedAt } = await waitForTransferEnd(pair.receiver.page, 60_000);
    const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
    const click = events.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
    if (!click) throw new Error('no click in the trace');
    const t0 = click.ts;
    console.log(`\nfull-HD run ${run + 1}: ${(endedAt - startedAt).toFixed(0)} ms`);
    for (const main of events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')) {
      const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined && e.ts >= t0 - 5_000 && e.ts < t0 + 150_000);
      const firstPacket = onMain.find((e) => e.name === 'FunctionCall' && String(e.args?.data?.functionName).includes('onmessage'));
      console.log(` pid ${main.pid}: first channel.onmessage at ${firstPacket ? ((firstPacket.ts - t0) / 1000).toFixed(1) : '-'}`);
      for (const task of onMain.filter((e) => e.name === 'RunTask' && e.dur! > 2_000)) {
        console.log(`  @${((task.ts - t0) / 1000).toFixed(1).padStart(6)}  task ${(task.dur! / 1000).toFixed(1)} ms (cpu ${((task.tdur ?? 0) / 1000).toFixed(1)})`);
        for (const e of onMain.filter((x) => x !== task && x.ts >= task.ts && x.ts + x.dur! <= task.ts + task.dur! && x.dur! > 1_000).slice(0, 12)) {
          const d = e.args?.data ?? {};
          const what = d.functionName ? ` ${d.functionName}` : d.type ? ` ${d.type}` : '';
          console.log(`          ${(e.dur! / 1000).toFixed(1).padStart(6)} ms  ${e.name}${what}`);
        }
      }
    }
  }
}

/**
 * CPU time per thread of every process (thread time of the top-level tasks, summed and divided by
 * the runs) during a full-HD transfer without loss: on this 2-core machine every thread competes
 * with the network threads that move the packets, so this is what the transfer costs.
 */
async function cpu(browser: Browser, pair: AppPair, stage: FileStage): Promise<void> {
  const receiver = pair.receiver.page;
  if ((await chooseImage(pair.sender.page, stage.path('cpu.bmp', photoBmp('coffee', 1920, 1080)))) !== 'ready') throw new Error('the app refused the image');
  await setSendOptions(pair.sender.page, { order: 'rows', lossPct: 0, repair: true });
  const totals = new Map<string, number>();
  let transferMs = 0;
  for (let run = 0; run < RUNS; run++) {
    await browser.startTracing(receiver, { categories: ['toplevel', '__metadata'] });
    const startedAt = await startTransfer(pair);
    const { endedAt } = await waitForTransferEnd(receiver, 60_000);
    const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
    transferMs += endedAt - startedAt;
    const names = new Map<string, string>();
    const processes = new Map<number, string>();
    for (const e of events) {
      if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name);
      if (e.name === 'process_labels' || (e.name === 'process_name' && !processes.has(e.pid))) processes.set(e.pid, e.args?.labels ?? e.args?.name);
    }
    const byThread = new Map<string, TraceEvent[]>();
    for (const e of events) {
      if (e.ph !== 'X' || e.tdur === undefined) continue;
      const key = `${e.pid}:${e.tid}`;
      byThread.set(key, [...(byThread.get(key) ?? []), e]);
    }
    for (const [key, list] of byThread) {
      list.sort((a, b) => a.ts - b.ts);
      let end = -1;
      let sum = 0;
      // Only events not nested in an earlier one: their thread time already includes the children's.
      for (const e of list) {
        if (e.ts < end) continue;
        end = e.ts + (e.dur ?? 0);
        sum += e.tdur! / 1000;
      }
      const pid = Number(key.split(':')[0]);
      const label = `${processes.get(pid) ?? 'pid'} ${pid} / ${names.get(key) ?? key}`;
      totals.set(label, (totals.get(label) ?? 0) + sum);
    }
  }
  const rows = [...totals].sort((a, b) => b[1] - a[1]);
  console.log(`\nCPU per thread, ms per run (transfers ${(transferMs / RUNS).toFixed(0)} ms; total ${(rows.reduce((t, [, ms]) => t + ms, 0) / RUNS).toFixed(0)} ms):`);
  for (const [name, ms] of rows.slice(0, 25)) console.log(`  ${(ms / RUNS).toFixed(1).padStart(7)} ms  ${name}`);
}

async function loss(pair: AppPair, stage: FileStage): Promise<void> {
  const { page } = pair.sender;
  const receiver = pair.receiver.page;
  const path = stage.path('full-hd.bmp', photoBmp('coffee', 1920, 1080));
  if ((await chooseImage(page, path)) !== 'ready') throw new Error('the app refused the image');
  for (const percent of process.env.TRACE_NO_CLEAN === '1' ? [LOSS] : [0, LOSS]) {
    if (percent > 0) applyPacketLoss(percent);
    try {
      for (let run = 0; run < RUNS; run++) {
        await setSendOptions(page, { order: 'rows', lossPct: 0, repair: true });
        for (const p of [page, receiver]) await p.evaluate(() => ((window as any).__channelLog.length = 0));
        const startedAt = await startTransfer(pair);
        const { state, endedAt } = await waitForTransferEnd(receiver, 120_000);
        await new Promise((r) => setTimeout(r, 300));
        const sent = (await page.evaluate(() => (window as any).__channelLog)) as LogEntry[];
        const got = (await receiver.evaluate(() => (window as any).__channelLog)) as LogEntry[];
        report(percent, run, state, startedAt, endedAt, sent, got);
      }
    } finally {
      clearPacketLoss();
    }
  }
}

/** The six longest pauses in a series of times, as "length ms at start". */
function gaps(times: number[], t0: number): string {
  const pauses = times.slice(1).map((t, i) => [t - times[i]!, times[i]! - t0] as const);
  return pauses
    .sort((a, b) => b[0] - a[0])
    .slice(0, 6)
    .map(([length, at]) => `${length.toFixed(0)} @${at.toFixed(0)}`)
    .join(', ');
}

function control(entry: LogEntry) {
  return decodeControlMessage(Uint8Array.from(Buffer.from(entry[3] as string, 'base64')), DEFAULT_MANIFEST_LIMITS);
}

/** Folds both pages' channel logs into one line per pass: when it ran, how fast, what it lost, and the waits between. */
function report(percent: number, run: number, state: string, t0: number, end: number, sent: LogEntry[], got: LogEntry[]): void {
  console.log(`\n${percent} % loss, run ${run + 1}: ${state} in ${(end - t0).toFixed(0)} ms (Send click = 0; all times ms)`);
  const sData = sent.filter((e) => e[1] === 's' && e[2] === 2);
  const rData = got.filter((e) => e[1] === 'r' && e[2] === 2);
  // Each end-of-pass and receipt goes twice, on the control channel and as a copy on the data channel: one per round.
  const roundOf = (e: LogEntry) => (control(e) as { round: number }).round;
  const ends = sent.filter((e, i, all) => e[1] === 's' && e[2] === 3 && !all.slice(0, i).some((x) => x[1] === 's' && x[2] === 3 && roundOf(x) === roundOf(e)));
  const receipts = got.filter((e, i, all) => e[1] === 's' && e[2] === 4 && !all.slice(0, i).some((x) => x[1] === 's' && x[2] === 4 && roundOf(x) === roundOf(e)));
  const manifest = sent.find((e) => e[1] === 's' && e[2] === 1);
  if (manifest) console.log(`  manifest sent ${fmt(manifest[0] - t0)}`);
  let from = 0;
  for (let round = 0; round < ends.length; round++) {
    const endAt = ends[round]![0];
    const passSends = sData.filter((e) => e[0] >= from && e[0] <= endAt);
    if (passSends.length === 0) break;
    const first = passSends[0]![0];
    const last = passSends.at(-1)![0];
    const receiptAt = receipts[round]?.[0];
    const nextFrom = receiptAt ?? Infinity;
    const arrivals = rData.filter((e) => e[0] >= first && e[0] < (receipts[round]?.[0] ?? Infinity));
    const lastArrival = arrivals.at(-1)?.[0] ?? first;
    const eop = control(ends[round]!);
    const missing = receiptAt ? (control(receipts[round]!) as { missing: Uint32Array }).missing.length : 0;
    const endReceivedAt = got.find((e) => e[1] === 'r' && e[2] === 3 && e[0] >= first)?.[0];
    const nextPass = sData.find((e) => e[0] > (receiptAt ?? Infinity));
    const receiptIn = receiptAt ? sent.find((e) => e[1] === 'r' && e[2] === 4 && e[0] >= receiptAt)?.[0] : undefined;
    console.log(
      `  round ${round}: ${passSends.length} sent ${fmt(first - t0)}–${fmt(last - t0)} (${((passSends.length * 1150) / 1e3 / Math.max(1, last - first)).toFixed(1)} MB/s), ` +
        `drained+end-of-pass sent ${fmt(endAt - t0)}, last arrival ${fmt(lastArrival - t0)}, end-of-pass in ${endReceivedAt ? fmt(endReceivedAt - t0) : '   ?'}, ` +
        `${arrivals.length} arrived, receipt ${receiptAt ? `${fmt(receiptAt - t0)} missing ${missing} (${((100 * missing) / (eop.type === 'end-of-pass' ? eop.sent : 1)).toFixed(1)} %)` : 'none (verdict)'}` +
        (receiptIn ? `, receipt in ${fmt(receiptIn - t0)}` : '') +
        (nextPass ? `, next pass starts ${fmt(nextPass[0] - t0)}` : ''),
    );
    console.log(`    per stripe: ${stripeLines(passSends, arrivals, t0)}`);
    const held = (ends[round]![6] ?? []).map(([channel, bytes]) => `#${channel} ${(bytes / 1024).toFixed(1)} KiB`).join(', ');
    console.log(`    held when the end-of-pass went: ${held || 'nothing'}`);
    const copies = sent.filter((e) => e[1] === 's' && e[2] === 3 && roundOf(e) === round).map((e) => `#${e[5]} at ${fmt(e[0] - t0).trim()}`);
    const ins = got.filter((e) => e[1] === 'r' && e[2] === 3 && roundOf(e) === round).map((e) => `#${e[5]} at ${fmt(e[0] - t0).trim()}`);
    console.log(`    end-of-pass sent on ${copies.join(', ')}; arrived on the receiver's ${ins.join(', ') || 'none'}`);
    if (last - first > 2_000 || round === 0) {
      console.log(`    longest gaps between sends: ${gaps(passSends.map((e) => e[0]), t0)}`);
      console.log(`    longest gaps between arrivals: ${gaps(arrivals.map((e) => e[0]), t0)}`);
    }
    from = nextFrom;
  }
  const verdict = got.find((e) => e[1] === 's' && e[2] === 5);
  if (verdict) console.log(`  verdict sent ${fmt(verdict[0] - t0)}`);
  const peakBuffered = Math.max(0, ...sData.map((e) => e[4]));
  console.log(`  peak bufferedAmount at send ${(peakBuffered / 1024).toFixed(0)} KiB`);
  windowLegs(sData, rData, got.filter((e) => e[1] === 's' && e[2] === 7), sent.filter((e) => e[1] === 'r' && e[2] === 7));
}

/**
 * A pass's packets by the channel they were handed to (the sender page's channel number): how
 * many, the last send, how many arrived and the last arrival. A stripe whose last packets were
 * lost has nothing after them to show SCTP the gap, and waits for its retransmission timeout.
 */
function stripeLines(passSends: LogEntry[], arrivals: LogEntry[], t0: number): string {
  const arrivedAt = new Map<number, number>();
  for (const e of arrivals) if (!arrivedAt.has(e[3] as number)) arrivedAt.set(e[3] as number, e[0]);
  const byChannel = new Map<number, LogEntry[]>();
  for (const e of passSends) byChannel.set(e[5], [...(byChannel.get(e[5]) ?? []), e]);
  return [...byChannel]
    .sort((a, b) => a[0] - b[0])
    .map(([channel, sends]) => {
      const times = sends.map((e) => arrivedAt.get(e[3] as number)).filter((t) => t !== undefined);
      const lastArrival = times.length ? fmt(Math.max(...times) - t0).trim() : '—';
      return `#${channel} ${sends.length} sent, last ${fmt(sends.at(-1)![0] - t0).trim()}, ${times.length} arrived, last ${lastArrival}`;
    })
    .join('; ');
}

/**
 * The sender's window, first pass only: where the time between sending a packet and hearing of
 * it goes. Data leg: sender's send → receiver's handler (the queue to the network service, the
 * network, and the receiver's main thread being late); progress leg: the receiver's report sent
 * → the sender's handler. Pauses: the sender's gaps between sends over 2 ms, in sum.
 */
function windowLegs(sData: LogEntry[], rData: LogEntry[], reportsSent: LogEntry[], reportsIn: LogEntry[]): void {
  const firstSend = new Map<number, number>();
  for (const e of sData) if (!firstSend.has(e[3] as number)) firstSend.set(e[3] as number, e[0]);
  const firstArrival = new Map<number, number>();
  for (const e of rData) if (!firstArrival.has(e[3] as number)) firstArrival.set(e[3] as number, e[0]);
  const dataLeg: number[] = [];
  const progressLeg: number[] = [];
  const arrivedIn = new Map(reportsIn.map((e) => [e[3] as string, e[0]]));
  for (const r of reportsSent) {
    const message = control(r);
    if (message.type !== 'progress' || message.round !== 0) continue;
    const last = message.reach - 1;
    const sentAt = firstSend.get(last);
    const handledAt = firstArrival.get(last);
    if (sentAt !== undefined && handledAt !== undefined) dataLeg.push(handledAt - sentAt);
    const inAt = arrivedIn.get(r[3] as string);
    if (inAt !== undefined) progressLeg.push(inAt - r[0]);
  }
  const sends = [...firstSend.values()].sort((a, b) => a - b);
  let paused = 0;
  for (let i = 1; i < sends.length; i++) if (sends[i]! - sends[i - 1]! > 2) paused += sends[i]! - sends[i - 1]!;
  // The channel's buffered amount at the first send after each pause: near 0, SCTP had handed
  // everything on while the sender waited, so whatever queue was left was in front of the
  // network service or in the receiver; well above 0, SCTP itself still had packets to send.
  const firstPass = sData.filter((e) => e[0] <= sends.at(-1)!);
  const resumed = firstPass.filter((e, i) => i > 0 && e[0] - firstPass[i - 1]![0] > 2).map((e) => e[4] / 1024);
  const dry = resumed.filter((kib) => kib < 32).length;
  const q = (values: number[], p: number) => (values.length ? [...values].sort((a, b) => a - b)[Math.floor(p * (values.length - 1))]!.toFixed(1) : '?');
  console.log(
    `  window, first pass: ${progressLeg.length} reports; data leg median ${q(dataLeg, 0.5)} p90 ${q(dataLeg, 0.9)} max ${q(dataLeg, 1)} ms; ` +
      `progress leg median ${q(progressLeg, 0.5)} p90 ${q(progressLeg, 0.9)} max ${q(progressLeg, 1)} ms; sender paused ${paused.toFixed(0)} ms in gaps over 2 ms; ` +
      `channel held median ${q(resumed, 0.5)} KiB when it resumed, under 32 KiB in ${dry} of ${resumed.length} pauses`,
  );
}

build();
const stage = new FileStage();
const browser = await launchChromium();
// The tap costs the pages time of their own: only the loss part reads it.
if (PARTS.includes('loss')) tapContexts(browser);
const server = await startAppServer(DIST);
const app = await openRoom(browser, server);
try {
  // Warm-up: the first transfer after connecting is often several times slower.
  if ((await chooseImage(app.sender.page, stage.path('warm.bmp', photoBmp('coffee', 1920, 1080)))) !== 'ready') throw new Error('warm-up refused');
  await setSendOptions(app.sender.page, { order: 'rows', lossPct: 0, repair: true });
  await startTransfer(app);
  await waitForTransferEnd(app.receiver.page, 60_000);
  if (PARTS.includes('health')) await health(browser, app, stage);
  if (PARTS.includes('tiles')) await tiles(browser, app.receiver.page);
  if (PARTS.includes('profile')) await profile(app, stage);
  if (PARTS.includes('timeline')) await timeline(browser, app, stage);
  if (PARTS.includes('cpu')) await cpu(browser, app, stage);
  if (PARTS.includes('start')) await start(browser, app, stage);
  if (PARTS.includes('loss')) await loss(app, stage);
} finally {
  clearPacketLoss();
  await app.close();
  await server.close();
  await browser.close();
  stage.remove();
}
