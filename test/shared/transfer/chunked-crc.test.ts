import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../shared/protocol/index.ts';
import { TURN_BUDGET_MS, crc32InTurns, type Scheduler } from '../../../shared/transfer/index.ts';

/** A scheduler that queues turns for the test to run one at a time, and a clock the test moves. */
function manualTurns() {
  const queue: Array<() => void> = [];
  let time = 0;
  const schedule: Scheduler = (callback) => {
    queue.push(callback);
    return () => queue.splice(queue.indexOf(callback), 1);
  };
  return { queue, schedule, now: () => time, advance: (ms: number) => (time += ms) };
}

const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 2654435761) >>> 24);

describe('crc32InTurns', () => {
  it('stops each turn once its time budget is spent, and ends with the CRC of the whole buffer', () => {
    const turns = manualTurns();
    let result: number | undefined;
    // Every clock read costs a millisecond: a turn gets through a handful of pieces, not all.
    const now = () => turns.advance(1);
    crc32InTurns(bytes, turns.schedule, now, (crc) => (result = crc));
    let count = 0;
    while (turns.queue.length > 0) {
      turns.queue.shift()!();
      count++;
    }
    expect(count).toBeGreaterThan(1);
    expect(count).toBeLessThan(12);
    expect(result).toBe(crc32(bytes));
  });

  it('does it all in one turn when the clock does not move', () => {
    const turns = manualTurns();
    let result: number | undefined;
    crc32InTurns(bytes, turns.schedule, turns.now, (crc) => (result = crc));
    expect(result).toBeUndefined();
    turns.queue.shift()!();
    expect(turns.queue).toHaveLength(0);
    expect(result).toBe(crc32(bytes));
  });

  it('continues a CRC from `previous`', () => {
    const turns = manualTurns();
    let result: number | undefined;
    const cut = 1_234_567;
    crc32InTurns(bytes.subarray(cut), turns.schedule, turns.now, (crc) => (result = crc), crc32(bytes.subarray(0, cut)));
    while (turns.queue.length > 0) turns.queue.shift()!();
    expect(result).toBe(crc32(bytes));
  });

  it('never calls back once stopped', () => {
    const turns = manualTurns();
    let called = false;
    const stop = crc32InTurns(bytes, turns.schedule, () => turns.advance(TURN_BUDGET_MS), () => (called = true));
    turns.queue.shift()!();
    stop();
    while (turns.queue.length > 0) turns.queue.shift()!();
    expect(called).toBe(false);
  });
});
