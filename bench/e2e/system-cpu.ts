/**
 * CPU time the whole machine has spent busy, all cores summed, from /proc/stat. On the 2-core
 * machine both cores are saturated during a transfer, so a change that saves CPU shows here
 * steadily while the wall-clock time of single runs still drifts by a third.
 */
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second of /proc/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Milliseconds of busy CPU since boot: user, nice, system, irq, softirq and steal time. */
export function busyCpuMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number) as number[];
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / TICKS_PER_SECOND;
}
