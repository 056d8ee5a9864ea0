/**
 * CRC-32 of a large buffer computed over several scheduler turns, each stopping once it has run
 * for {@link TURN_BUDGET_MS}, so that checksumming a 32-megapixel image (96 MB, ~65 ms in one go)
 * never blocks the page for long.
 *
 * The budget is time, not bytes: 8 MB take about 5 ms in Node, yet in the receiving page an
 * 8 MB slice took 51 and 112 ms, the main thread on the CPU nearly all of it — code not yet
 * optimised runs many times slower (`TRACE_PARTS=health npx tsx tools/diagnostics/transfer-trace.ts`).
 */
import { crc32 } from '../protocol/index.ts';
import type { Clock, Scheduler } from './channel.ts';

/** Bytes per crc32 call: the clock is read between pieces, ~0.2 ms apart. */
const PIECE_BYTES = 256 * 1024;
/** A turn stops after the piece that takes it past this many milliseconds. */
export const TURN_BUDGET_MS = 8;

/**
 * Calls `done` with the CRC-32 of `bytes` after one or more turns; returns a function that stops
 * it. `previous` continues a CRC, as crc32's does.
 */
export function crc32InTurns(bytes: Uint8Array, schedule: Scheduler, now: Clock, done: (crc: number) => void, previous = 0): () => void {
  let offset = 0;
  let crc = previous;
  let cancelPending: (() => void) | undefined;
  let stopped = false;
  const step = (): void => {
    const deadline = now() + TURN_BUDGET_MS;
    do {
      const end = Math.min(bytes.length, offset + PIECE_BYTES);
      crc = crc32(bytes.subarray(offset, end), crc);
      offset = end;
    } while (offset < bytes.length && now() < deadline);
    if (offset < bytes.length) cancelPending = schedule(step, 0);
    else if (!stopped) done(crc);
  };
  cancelPending = schedule(step, 0);
  return () => {
    stopped = true;
    cancelPending?.();
  };
}
