/**
 * Reads dcSCTP's own record of every SCTP packet from Chromium's stderr: with
 * `--enable-logging=stderr --vmodule=*text_pcap_packet_observer*=1` each renderer logs each packet
 * it sends (O) or receives (I) as a line "O 00:00:02.471 0000 13 88 …  # SCTP_PACKET name", the
 * bytes in hex, after a line naming the logging process. Only the chunk headers are read here:
 * DATA's TSN, stream and whether it is a whole message or a fragment (B and E flags), SACK's cumulative ack and gap blocks, FORWARD-TSN's new cumulative ack
 * (RFC 9260 §3.3, RFC 3758 §3.2).
 */

import { createInterface } from 'node:readline';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';
import { CHROMIUM_EXECUTABLE, CHROMIUM_FLAGS } from '../../test/e2e/harness/chromium.ts';

/** Chromium flags that make every renderer log each SCTP packet to stderr. */
export const SCTP_LOG_FLAGS = ['--enable-logging=stderr', '--vmodule=*dcsctp_transport*=3,*text_pcap_packet_observer*=3'];

/**
 * Chromium with its stderr read line by line into `log` (when logging, else nothing is read).
 * Logging every packet slows Chromium several times over: times measured meanwhile are not the app's.
 */
export async function launchWithSctpLog(log: SctpLog | undefined): Promise<{ browser: Browser; chromiumServer: BrowserServer }> {
  const chromiumServer = await chromium.launchServer({ executablePath: CHROMIUM_EXECUTABLE, headless: true, args: [...CHROMIUM_FLAGS, ...(log ? SCTP_LOG_FLAGS : [])] });
  const stderr = chromiumServer.process().stderr;
  if (log && stderr) createInterface({ input: stderr }).on('line', (line) => log.line(line));
  return { browser: await chromium.connect(chromiumServer.wsEndpoint()), chromiumServer };
}

export type SctpChunk =
  /** `whole`: the chunk carries a whole message (B and E flags); otherwise it is one fragment of one. */
  | { type: 'data'; tsn: number; stream: number; bytes: number; whole: boolean }
  | { type: 'sack'; cumulativeAck: number; gapBlocks: number }
  | { type: 'forward-tsn'; newCumulativeAck: number }
  | { type: 'other'; code: number };

export interface SctpPacket {
  /** Which SCTP association's end logged it: the process id and the transport's name. */
  endpoint: string;
  direction: 'O' | 'I';
  /** Seconds, by the logging endpoint's clock. */
  at: number;
  /** The SCTP packet's length, common header included (what DTLS carries). */
  bytes: number;
  chunks: SctpChunk[];
}

const PROCESS_LINE = /\[(\d+):\d+:[^\]]*text_pcap_packet_observer[^\]]*\]/;
const PACKET_LINE = /([IO]) (\d\d):(\d\d):(\d\d\.\d+) 0000 ((?:[0-9a-f]{2} )+)# SCTP_PACKET (\S+)/;

/** Collects packets from stderr lines, fed one at a time as they come. */
export class SctpLog {
  readonly packets: SctpPacket[] = [];
  #pid: number | undefined;

  line(text: string): void {
    const owner = PROCESS_LINE.exec(text);
    if (owner) {
      this.#pid = Number(owner[1]);
      return;
    }
    const packet = PACKET_LINE.exec(text);
    if (!packet || this.#pid === undefined) return;
    const bytes = Uint8Array.from(packet[5]!.trim().split(' '), (hex) => parseInt(hex, 16));
    const at = Number(packet[2]) * 3600 + Number(packet[3]) * 60 + Number(packet[4]);
    this.packets.push({ endpoint: `${this.#pid}/${packet[6]}`, direction: packet[1] as 'O' | 'I', at, bytes: bytes.length, chunks: readChunks(bytes) });
    this.#pid = undefined;
  }
}

function readChunks(bytes: Uint8Array): SctpChunk[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: SctpChunk[] = [];
  // After the 12-byte common header, chunks of type, flags, length, each padded to 4 bytes.
  for (let at = 12; at + 4 <= bytes.length; ) {
    const code = bytes[at]!;
    const length = view.getUint16(at + 2);
    if (length < 4) break;
    const body = at + 4;
    if (code === 0 && length >= 16) chunks.push({ type: 'data', tsn: view.getUint32(body), stream: view.getUint16(body + 4), bytes: length - 16, whole: (bytes[at + 1]! & 0x03) === 0x03 });
    else if (code === 3 && length >= 16) chunks.push({ type: 'sack', cumulativeAck: view.getUint32(body), gapBlocks: view.getUint16(body + 8) });
    else if (code === 192 && length >= 8) chunks.push({ type: 'forward-tsn', newCumulativeAck: view.getUint32(body) });
    else chunks.push({ type: 'other', code });
    at += (length + 3) & ~3;
  }
  return chunks;
}

export interface SctpSummary {
  dataChunks: number;
  /** DATA chunks carrying a fragment of a message rather than a whole one. */
  fragments: number;
  /** The largest SCTP packet sent, in bytes. */
  largestPacket: number;
  /** DATA chunks whose TSN had been sent before: retransmissions. */
  retransmitted: number;
  /** The most gap blocks one SACK reported back to the sender. */
  mostGapBlocks: number;
  forwardTsns: number;
  /** How far FORWARD-TSNs moved the cumulative ack, in chunks: median and largest. */
  forwardTsnMedianStep: number;
  forwardTsnLargestStep: number;
  /** The longest time (ms) the sender sent no DATA, and when it began (ms after its first DATA). */
  longestDataPause: number;
  longestDataPauseAt: number;
}

/**
 * The endpoint that sent the most DATA bytes: the sending page's. Two pages may share a renderer
 * process, so an endpoint is a process and a transport.
 */
export function busiestSender(packets: SctpPacket[]): string | undefined {
  const sent = new Map<string, number>();
  for (const packet of packets) {
    if (packet.direction !== 'O') continue;
    for (const chunk of packet.chunks) if (chunk.type === 'data') sent.set(packet.endpoint, (sent.get(packet.endpoint) ?? 0) + chunk.bytes);
  }
  return [...sent].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** What one endpoint (the sending page's) sent and was told. */
export function summarizeSender(packets: SctpPacket[], endpoint: string): SctpSummary {
  const mine = packets.filter((p) => p.endpoint === endpoint);
  const seen = new Set<number>();
  let dataChunks = 0;
  let fragments = 0;
  let largestPacket = 0;
  let retransmitted = 0;
  let mostGapBlocks = 0;
  const steps: number[] = [];
  let lastAck: number | undefined;
  const dataTimes: number[] = [];
  for (const packet of mine) {
    if (packet.direction === 'O') largestPacket = Math.max(largestPacket, packet.bytes);
    for (const chunk of packet.chunks) {
      if (packet.direction === 'O' && chunk.type === 'data') {
        dataChunks++;
        if (!chunk.whole) fragments++;
        if (seen.has(chunk.tsn)) retransmitted++;
        seen.add(chunk.tsn);
        dataTimes.push(packet.at);
      } else if (packet.direction === 'I' && chunk.type === 'sack') {
        mostGapBlocks = Math.max(mostGapBlocks, chunk.gapBlocks);
        lastAck = chunk.cumulativeAck;
      } else if (packet.direction === 'O' && chunk.type === 'forward-tsn') {
        // TSNs wrap at 2^32 (RFC 9260 §3.3.3): the step is the distance modulo that.
        if (lastAck !== undefined) steps.push((chunk.newCumulativeAck - lastAck) >>> 0);
        lastAck = chunk.newCumulativeAck;
      }
    }
  }
  steps.sort((a, b) => a - b);
  let longestDataPause = 0;
  let longestDataPauseAt = 0;
  for (let i = 1; i < dataTimes.length; i++) {
    const pause = (dataTimes[i]! - dataTimes[i - 1]!) * 1000;
    if (pause > longestDataPause) {
      longestDataPause = pause;
      longestDataPauseAt = (dataTimes[i - 1]! - dataTimes[0]!) * 1000;
    }
  }
  return {
    dataChunks,
    fragments,
    largestPacket,
    retransmitted,
    mostGapBlocks,
    forwardTsns: steps.length,
    forwardTsnMedianStep: steps.length ? steps[Math.floor(steps.length / 2)]! : 0,
    forwardTsnLargestStep: steps.at(-1) ?? 0,
    longestDataPause,
    longestDataPauseAt,
  };
}
