/**
 * A diagnostic for one change: `npx tsx tools/diagnostics/compare-builds.ts [base-rev]` builds the app at
 * `base-rev` (default HEAD, through a git worktree) and from the working tree, serves each from
 * its own server, and sends the full-HD photo through both in the same browser, runs alternating
 * A, B / B, A, with the bare channel's ceiling measured around each pair. On a machine whose
 * speed drifts by a third from minute to minute, only such paired runs show a change of a few
 * percent. For each transfer and each ceiling it also reads the machine's busy CPU and every
 * Chromium thread's CPU, and prints their medians per thread kind for A, B and the ceiling.
 * COMPARE_RUNS sets the pairs (default 15); COMPARE_LOSS (percent, default 0) has nftables drop
 * that share of the packets during the transfers (not during the ceilings), as bench:e2e's
 * real-loss cases do; COMPARE_RELIABLE=1 also sends the same file over the reliable 64 KB
 * channel after each pair (under the same loss), with its time and CPU beside A's and B's;
 * COMPARE_FLOOR=1 also streams the same bytes over the bare unreliable channel after each pair,
 * under the same loss, as 1,150-byte messages with no app and no repair: what any design that
 * sends one packet per message could at best take on this machine. As root it re-runs itself in
 * the private network namespace, as the benchmark does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AppPair, chooseImage, FileStage, openRoom, setSendOptions, startAppServer, startTransfer, waitForTransferEnd } from '../../test/e2e/harness/app.ts';
import { launchChromium } from '../../test/e2e/harness/chromium.ts';
import { applyPacketLoss, clearPacketLoss } from '../../test/e2e/harness/packet-loss.ts';
import { photoBmp } from '../../test/e2e/harness/photos.ts';
import { decodeSource } from '../../test/e2e/harness/pixels.ts';
import { connectRawPair, startRawServer } from '../../test/e2e/harness/raw-pair.ts';
import { median } from '../../bench/measure.ts';
import { assertExact } from '../../bench/e2e/app-cases.ts';
import { runUnderE2eRunner } from '../../test/e2e/harness/in-namespace.ts';
import { type CeilingRun, measureCeiling, measureReliable } from '../../bench/e2e/raw-cases.ts';
import { busyCpuMs } from './system-cpu.ts';
import { chromiumThreadCpu, cpuByThreadName } from './thread-cpu.ts';

runUnderE2eRunner(import.meta.url);

const RUNS = Number(process.env.COMPARE_RUNS ?? 15);
const LOSS = Number(process.env.COMPARE_LOSS ?? 0);
const RELIABLE = process.env.COMPARE_RELIABLE === '1';
const FLOOR = process.env.COMPARE_FLOOR === '1';
const BASE = process.argv[2] ?? 'HEAD';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cache = fileURLToPath(new URL('../../node_modules/.cache/pixeldrop-compare', import.meta.url));

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

/** Builds the app from `root` into `${cache}/name`. */
function build(root: string, name: string): string {
  const out = `${cache}/${name}`;
  run('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir'], root);
  return out;
}

const worktree = `${cache}/base-src`;
if (existsSync(worktree)) run('git', ['worktree', 'remove', '--force', worktree], repoRoot);
run('git', ['worktree', 'add', '--detach', '--quiet', worktree, BASE], repoRoot);
const dists: Record<'A' | 'B', string> = { A: '', B: '' };
try {
  symlinkSync(`${repoRoot}/node_modules`, `${worktree}/node_modules`);
  dists.A = build(worktree, 'A');
} finally {
  run('git', ['worktree', 'remove', '--force', worktree], repoRoot);
}
dists.B = build(repoRoot, 'B');

const stage = new FileStage();
const browser = await launchChromium();
const servers = { A: await startAppServer(dists.A), B: await startAppServer(dists.B) };
const rawServer = await startRawServer();
const bmp = photoBmp('coffee', 1920, 1080);
const source = decodeSource(bmp);
const path = stage.path('full-hd.bmp', bmp);
const pixelBytes = 1920 * 1080 * 3;
rawServer.serve('/full-hd.bmp', bmp);
const raw = await connectRawPair(browser, rawServer);
const pairs: Record<'A' | 'B', AppPair> = { A: await openRoom(browser, servers.A), B: await openRoom(browser, servers.B) };

/** Runs `work` with nftables dropping COMPARE_LOSS % of the packets, when that is set. */
async function underLoss<T>(work: () => Promise<T>): Promise<T> {
  if (LOSS > 0) applyPacketLoss(LOSS);
  try {
    return await work();
  } finally {
    clearPacketLoss();
  }
}

/** Runs `work`, and reads the machine's busy CPU and each Chromium thread's CPU meanwhile. */
async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number; threads: Map<string, number> }> {
  const threadsBefore = chromiumThreadCpu();
  const cpuBefore = busyCpuMs();
  const result = await work();
  return { result, cpuMs: busyCpuMs() - cpuBefore, threads: cpuByThreadName(threadsBefore, chromiumThreadCpu()) };
}

/** Wall time of one full-HD transfer, and the CPU from the click to its end. */
async function transfer(pair: AppPair): Promise<{ ms: number; cpuMs: number; threads: Map<string, number> }> {
  if ((await chooseImage(pair.sender.page, path)) !== 'ready') throw new Error('the app refused the image');
  await setSendOptions(pair.sender.page, { order: 'rows', lossPct: 0, repair: true });
  const { result: ms, cpuMs, threads } = await withCpu(async () => {
    const startedAt = await startTransfer(pair);
    const { state, endedAt } = await waitForTransferEnd(pair.receiver.page, 120_000);
    if (state !== 'complete') throw new Error(`the transfer ended "${state}"`);
    return endedAt - startedAt;
  });
  await assertExact(pair, source, 'full-HD');
  return { ms, cpuMs, threads };
}

/** The same file over the reliable 64 KB channel, with the CPU meanwhile. */
async function reliable(): Promise<{ ms: number; cpuMs: number; threads: Map<string, number> }> {
  const { result, cpuMs, threads } = await withCpu(() => measureReliable(raw, `${rawServer.url}/full-hd.bmp`, 120_000));
  return { ms: result.ms, cpuMs, threads };
}

try {
  await measureCeiling(raw, 10e6);
  if (RELIABLE) await reliable();
  for (const side of ['A', 'B'] as const) await transfer(pairs[side]);
  // Under loss a room settles on its stripes over its first transfers: warm both up there too.
  if (LOSS > 0) {
    await underLoss(async () => {
      for (const side of ['A', 'B'] as const) await transfer(pairs[side]);
    });
  }
  const ms = { A: [] as number[], B: [] as number[] };
  const cpu = { A: [] as number[], B: [] as number[] };
  const ratio = { A: [] as number[], B: [] as number[] };
  const differences: number[] = [];
  const cpuDifferences: number[] = [];
  const ceilingCpu: number[] = [];
  const threads = {
    A: [] as Map<string, number>[],
    B: [] as Map<string, number>[],
    ceiling: [] as Map<string, number>[],
    reliable: [] as Map<string, number>[],
    floor: [] as Map<string, number>[],
  };
  const reliableMs: number[] = [];
  const reliableCpu: number[] = [];
  const floorRuns: CeilingRun[] = [];
  const floorCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { result: before, cpuMs: ceilingCpuMs, threads: ceilingThreads } = await withCpu(() => measureCeiling(raw, pixelBytes));
    threads.ceiling.push(ceilingThreads);
    ceilingCpu.push(ceilingCpuMs);
    const order = i % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
    const got = { A: { ms: 0, cpuMs: 0, threads: new Map<string, number>() }, B: { ms: 0, cpuMs: 0, threads: new Map<string, number>() } };
    await underLoss(async () => {
      for (const side of order) got[side] = await transfer(pairs[side]);
      if (RELIABLE) {
        const r = await reliable();
        reliableMs.push(r.ms);
        reliableCpu.push(r.cpuMs);
        threads.reliable.push(r.threads);
      }
      if (FLOOR) {
        const f = await withCpu(() => measureCeiling(raw, pixelBytes));
        floorRuns.push(f.result);
        floorCpu.push(f.cpuMs);
        threads.floor.push(f.threads);
      }
    });
    const after = await measureCeiling(raw, pixelBytes);
    const ceiling = (before.mbPerSecond + after.mbPerSecond) / 2;
    for (const side of order) {
      ms[side].push(got[side].ms);
      cpu[side].push(got[side].cpuMs);
      threads[side].push(got[side].threads);
      ratio[side].push(pixelBytes / 1e3 / got[side].ms / ceiling);
    }
    differences.push(got.B.ms - got.A.ms);
    cpuDifferences.push(got.B.cpuMs - got.A.cpuMs);
    console.log(
      `pair ${i + 1}: A ${got.A.ms.toFixed(0)} ms (CPU ${got.A.cpuMs.toFixed(0)}), B ${got.B.ms.toFixed(0)} ms (CPU ${got.B.cpuMs.toFixed(0)}), ceiling ${ceiling.toFixed(1)} MB/s` +
        (RELIABLE ? `, reliable ${reliableMs.at(-1)!.toFixed(0)} ms (CPU ${reliableCpu.at(-1)!.toFixed(0)})` : '') +
        (FLOOR ? `, bare unreliable ${floorRuns.at(-1)!.ms.toFixed(0)} ms (${floorRuns.at(-1)!.lossPct.toFixed(1)} % lost, CPU ${floorCpu.at(-1)!.toFixed(0)})` : ''),
    );
  }
  for (const side of ['A', 'B'] as const) {
    console.log(
      `${side} (${side === 'A' ? BASE : 'working tree'}): median ${median(ms[side]).toFixed(0)} ms, ${(100 * median(ratio[side])).toFixed(0)} % of the ceiling, machine CPU ${median(cpu[side]).toFixed(0)} ms`,
    );
  }
  if (RELIABLE) console.log(`reliable 64 KB: median ${median(reliableMs).toFixed(0)} ms, machine CPU ${median(reliableCpu).toFixed(0)} ms`);
  if (FLOOR) {
    console.log(
      `bare unreliable channel (no app, no repair): median ${median(floorRuns.map((f) => f.ms)).toFixed(0)} ms to its last arrival, ` +
        `${median(floorRuns.map((f) => f.lossPct)).toFixed(1)} % of its messages lost, machine CPU ${median(floorCpu).toFixed(0)} ms (its quiet wait at the end included)`,
    );
  }
  const names = [...new Set([...threads.A, ...threads.B, ...threads.reliable, ...threads.floor].flatMap((m) => [...m.keys()]))];
  const medianOf = (side: keyof typeof threads, name: string) => median(threads[side].map((m) => m.get(name) ?? 0));
  const extra = [...(RELIABLE ? ['the reliable channel'] : []), ...(FLOOR ? ['the bare unreliable channel under the same loss'] : [])];
  console.log(
    `CPU per transfer by thread name, medians (ms): A, B, B − A, the ceiling (its quiet wait at the end included)${extra.map((e) => `, ${e}`).join('')}`,
  );
  for (const name of names.sort((x, y) => medianOf('A', y) - medianOf('A', x)).slice(0, 16)) {
    const [a, b, c] = (['A', 'B', 'ceiling'] as const).map((side) => medianOf(side, name)) as [number, number, number];
    const columns = [a, b, b - a, c, ...(RELIABLE ? [medianOf('reliable', name)] : []), ...(FLOOR ? [medianOf('floor', name)] : [])];
    console.log(`  ${name.padEnd(34)} ${columns.map((ms) => ms.toFixed(1).padStart(7)).join(' ')}`);
  }
  console.log(`ceiling: machine CPU ${median(ceilingCpu).toFixed(0)} ms for the same bytes (its quiet wait at the end included)`);
  const faster = differences.filter((d) => d < 0).length;
  console.log(`B − A: median ${median(differences).toFixed(0)} ms; B faster in ${faster} of ${RUNS} pairs; CPU median ${median(cpuDifferences).toFixed(0)} ms`);
} finally {
  clearPacketLoss();
  for (const pair of Object.values(pairs)) await pair.close();
  await raw.close();
  for (const server of Object.values(servers)) await server.close();
  await rawServer.close();
  await browser.close();
  stage.remove();
}
