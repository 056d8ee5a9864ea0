/**
 * CPU time of every Chromium thread, by process kind and thread name, from
 * /proc/<pid>/task/<tid>/schedstat (run time in nanoseconds): what a transfer costs the pages'
 * main threads, the painting worker, the compositors and the threads that move the packets, and
 * which of them a change makes cheaper, where wall time alone only says that it was faster.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Nanoseconds of CPU per thread, keyed by `pid/tid`, with its process kind and thread name ("renderer/chromium"). */
export type ThreadCpu = Map<string, { name: string; ns: number }>;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The thread or process ended between listing and reading.
    return undefined;
  }
}

export function chromiumThreadCpu(): ThreadCpu {
  const threads: ThreadCpu = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const cmdline = read(`/proc/${pid}/cmdline`);
    if (!cmdline?.includes('chromium')) continue;
    const kind = /--utility-sub-type=network\./.test(cmdline) ? 'network' : (/--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser');
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const name = read(`/proc/${pid}/task/${tid}/comm`)?.trim();
      const ns = Number(read(`/proc/${pid}/task/${tid}/schedstat`)?.split(' ')[0]);
      if (name !== undefined && Number.isFinite(ns)) threads.set(`${pid}/${tid}`, { name: `${kind}/${name}`, ns });
    }
  }
  return threads;
}

/** Milliseconds of CPU per thread name spent between two snapshots (threads of the same name summed). */
export function cpuByThreadName(before: ThreadCpu, after: ThreadCpu): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [key, { name, ns }] of after) {
    const spent = (ns - (before.get(key)?.ns ?? 0)) / 1e6;
    if (spent > 0) totals.set(name, (totals.get(name) ?? 0) + spent);
  }
  return totals;
}
