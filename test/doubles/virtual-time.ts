/**
 * A clock and scheduler that only move when told to: tests and benchmarks run whole transfers,
 * latency and pacing included, deterministically and as fast as the CPU allows.
 */
import type { Clock, Scheduler } from '../../shared/transfer/channel.ts';

interface Task {
  readonly at: number;
  /** Tasks due at the same time run in the order they were scheduled. */
  readonly order: number;
  readonly run: () => void;
  cancelled: boolean;
}

function before(a: Task, b: Task): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

export class VirtualTime {
  private current = 0;
  private order = 0;
  /** Binary min-heap by (at, order). */
  private readonly heap: Task[] = [];

  readonly now: Clock = () => this.current;

  readonly schedule: Scheduler = (run, delayMs) => {
    const task: Task = { at: this.current + Math.max(0, delayMs), order: this.order++, run, cancelled: false };
    this.push(task);
    return () => {
      task.cancelled = true;
    };
  };

  /** Runs tasks in time order, advancing the clock to each, until none is left or the next is after `limitMs`. */
  run(limitMs = Infinity): void {
    while (this.heap.length > 0) {
      const next = this.heap[0]!;
      if (next.at > limitMs) {
        this.current = limitMs;
        return;
      }
      this.pop();
      if (next.cancelled) continue;
      this.current = next.at;
      next.run();
    }
  }

  private push(task: Task): void {
    const h = this.heap;
    h.push(task);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
