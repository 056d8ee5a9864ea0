/**
 * CPU time the whole machine has spent busy, all cores summed, from /proc/stat. During a transfer
 * on the 2-core machine it comes to twice the wall time (640 ms for a 317 ms full-HD transfer):
 * both cores are full, so every millisecond of CPU the app spends is taken from the packets.
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
