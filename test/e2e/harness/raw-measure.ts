/**
 * The bare unreliable channel between two raw pages (raw-pair.ts) as a measuring stick: how fast
 * messages arrive and how many are lost. The benchmark's ceiling and the path tests' rate check
 * are both this.
 */
import type { Counter } from './page/raw-channel.ts';
import type { RawPair } from './raw-pair.ts';
import { waitUntil } from './wait.ts';

/** Pixeldrop's largest packet, header included (shared/protocol/limits.ts). */
export const PACKET_BYTES = 1150;
/**
 * An unreliable transfer is over when nothing more has arrived for this long. Over an emulated
 * lossy path SCTP's retransmission timer (at least 400 ms, backing off to 3 s) can pause a
 * stream for longer: callers there pass a longer quiet.
 */
const QUIET_MS = 400;

export async function receiverCounter(pair: RawPair, name: 'unreliable' | 'reliable'): Promise<Counter> {
  return pair.receiver.page.evaluate((channel) => window.rawChannel.counter(channel), name);
}

/** Waits until the unreliable channel has been quiet for `quietMs`, i.e. everything that will arrive has. */
export async function unreliableSettled(pair: RawPair, timeoutMs: number, quietMs = QUIET_MS): Promise<Counter> {
  let last = await receiverCounter(pair, 'unreliable');
  let lastChange = Date.now();
  return waitUntil(
    async () => {
      const now = await receiverCounter(pair, 'unreliable');
      if (now.messages !== last.messages) lastChange = Date.now();
      last = now;
      return now;
    },
    (counter) => counter.messages > 0 && Date.now() - lastChange >= quietMs,
    { timeoutMs, what: `the unreliable channel to go quiet for ${quietMs} ms`, intervalMs: 50 },
  );
}

export interface CeilingRun {
  /** From the first send to the last arrival. */
  ms: number;
  /** Payload megabytes (10^6 bytes) that arrived per second, from the first send to the last arrival. */
  mbPerSecond: number;
  lossPct: number;
}

/** `totalBytes` of PACKET_BYTES messages as fast as the unreliable channel takes them. */
export async function measureCeiling(pair: RawPair, totalBytes: number, quietMs = QUIET_MS, timeoutMs = 60_000): Promise<CeilingRun> {
  await pair.receiver.page.evaluate(() => window.rawChannel.resetCounters());
  const sent = Math.ceil(totalBytes / PACKET_BYTES);
  const startedAt = await pair.sender.page.evaluate(
    ([bytes, size]) => window.rawChannel.sendUnreliable(bytes, size),
    [totalBytes, PACKET_BYTES] as const,
  );
  const counter = await unreliableSettled(pair, timeoutMs, quietMs);
  const ms = counter.lastAt - startedAt;
  return {
    ms,
    mbPerSecond: counter.bytes / 1e6 / (ms / 1000),
    lossPct: (100 * (sent - counter.messages)) / sent,
  };
}
