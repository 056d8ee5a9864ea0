/**
 * CRC-32 of a large buffer computed a slice per scheduler turn, so checksumming a 32-megapixel
 * image (96 MB, ~65 ms in one go) never blocks the page for more than a few milliseconds.
 */
import { crc32 } from '../protocol/index.ts';
import type { Scheduler } from './channel.ts';

/**
 * Bytes checksummed per turn: about 5 ms of work (crc32.ts). Each turn also waits for the
 * scheduler, so a full-HD image (6.2 MB) takes one.
 */
export const CRC_SLICE_BYTES = 8 * 1024 * 1024;

/** Calls `done` with the CRC-32 of `bytes` after one or more turns; returns a function that stops it. */
export function crc32InTurns(bytes: Uint8Array, schedule: Scheduler, done: (crc: number) => void): () => void {
  let offset = 0;
  let crc = 0;
  let cancelPending: (() => void) | undefined;
  let stopped = false;
  const step = (): void => {
    const end = Math.min(bytes.length, offset + CRC_SLICE_BYTES);
    crc = crc32(bytes.subarray(offset, end), crc);
    offset = end;
    if (offset < bytes.length) cancelPending = schedule(step, 0);
    else if (!stopped) done(crc);
  };
  cancelPending = schedule(step, 0);
  return () => {
    stopped = true;
    cancelPending?.();
  };
}
