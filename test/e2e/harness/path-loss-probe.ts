/**
 * Checks the loss stage of the path emulator with a sample large enough to judge it: UDP
 * datagrams from this process to itself cross the same nftables rules as the pages' WebRTC
 * packets (every UDP packet in the namespace does), and the emulator's counters say how many it
 * dropped and in how many bursts. A browser could not send enough packets through a lossy path in
 * a test's time: SCTP slows down at every loss.
 */
import { createSocket, type Socket } from 'node:dgram';
import { countersSince, lossChain, pathCounters, type PathCounters, type PathLoss } from './path-emulator.ts';

/**
 * Datagrams needed so that `relative` of the nominal loss rate (0.2: 20 %) is `sigmas` standard
 * deviations of the measured rate. Random loss is binomial: the rate's variance is p(1 − p)/n.
 * Bursty loss counts are correlated from packet to packet; a two-state Markov chain with
 * lag-one correlation λ = 1 − (entry + leaving chance) inflates that variance by (1 + λ)/(1 − λ).
 */
export function lossSampleSize(loss: PathLoss, relative = 0.2, sigmas = 4): number {
  if (loss.kind === 'none') return 0;
  const p = loss.pct / 100;
  const { enterBadPpm, leaveBadPpm } = lossChain(loss);
  const lambda = loss.kind === 'bursts' ? 1 - (enterBadPpm + leaveBadPpm) / 1e6 : 0;
  const inflation = (1 + lambda) / (1 - lambda);
  return Math.ceil(((sigmas / relative) ** 2 * (1 - p) * inflation) / p);
}

/** Datagrams handed to the kernel per turn of the event loop: sendmsg on loopback does not block, but its buffers are finite. */
const BATCH = 256;

function bound(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket.address().port));
  });
}

/**
 * Sends `count` small datagrams through the emulated path and returns the emulator's counters for
 * them. Call it with no browser traffic running, or their packets count too.
 */
export async function sendThroughPath(count: number): Promise<PathCounters> {
  const receiver = createSocket('udp4');
  const sender = createSocket('udp4');
  try {
    const port = await bound(receiver);
    await bound(sender);
    receiver.on('message', () => {});
    const before = pathCounters();
    const datagram = Buffer.alloc(32);
    for (let sent = 0; sent < count; ) {
      const batch = Math.min(BATCH, count - sent);
      await Promise.all(
        Array.from({ length: batch }, () => new Promise<void>((resolve, reject) => sender.send(datagram, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())))),
      );
      sent += batch;
    }
    return countersSince(before);
  } finally {
    sender.close();
    receiver.close();
  }
}
