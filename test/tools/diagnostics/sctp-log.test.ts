import { describe, expect, it } from 'vitest';
import { busiestSender, SctpLog, summarizeSender } from '../../../tools/diagnostics/sctp-log.ts';

/** One chunk: type, flags, length, body, padded to 4 bytes (RFC 9260 §3.2). */
function chunk(type: number, body: number[], flags = 0): number[] {
  const length = 4 + body.length;
  const padding = (4 - (length % 4)) % 4;
  return [type, flags, length >> 8, length & 0xff, ...body, ...new Array<number>(padding).fill(0)];
}

const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
/** A DATA chunk; by default a whole message (B and E flags), `fragment` sets B alone. */
const data = (tsn: number, stream: number, payload: number, fragment = false) =>
  chunk(0, [...u32(tsn), ...u16(stream), 0, 0, ...u32(51), ...new Array<number>(payload).fill(7)], fragment ? 0x02 : 0x03);
const sack = (cumulativeAck: number, gapBlocks: number) =>
  chunk(3, [...u32(cumulativeAck), ...u32(65536), ...u16(gapBlocks), 0, 0, ...Array.from({ length: gapBlocks }, () => [0, 2, 0, 3]).flat()]);
const forwardTsn = (newCumulativeAck: number) => chunk(192, u32(newCumulativeAck));

/** The two lines Chromium writes per packet: the logging process, then the bytes in hex. */
function lines(pid: number, direction: 'O' | 'I', seconds: number, chunks: number[][], transport = 'DcSctpTransport0'): string[] {
  const bytes = [0x13, 0x88, 0x13, 0x88, ...u32(1), ...u32(0), ...chunks.flat()];
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const time = `00:00:${seconds.toFixed(3).padStart(6, '0')}`;
  return [
    `[${pid}:${pid + 1}:1121/172940.088241:VERBOSE1:third_party/webrtc/net/dcsctp/public/text_pcap_packet_observer.cc:23] `,
    '',
    `${direction} ${time} 0000 ${hex} # SCTP_PACKET ${transport}`,
  ];
}

describe('SctpLog', () => {
  it('reads DATA, SACK and FORWARD-TSN chunks of the logged packets', () => {
    const log = new SctpLog();
    for (const line of lines(10, 'O', 1, [data(100, 1, 1150), data(101, 1, 3, true)])) log.line(line);
    expect(log.packets).toEqual([
      {
        endpoint: '10/DcSctpTransport0',
        direction: 'O',
        at: 1,
        // Common header 12, DATA 16 + 1,150 (padded to 1,168), DATA 16 + 3 (padded to 20).
        bytes: 12 + 1168 + 20,
        chunks: [
          { type: 'data', tsn: 100, stream: 1, bytes: 1150, whole: true },
          { type: 'data', tsn: 101, stream: 1, bytes: 3, whole: false },
        ],
      },
    ]);
  });

  it('ignores packet lines without a process line before them, and other lines', () => {
    const log = new SctpLog();
    const [, , packet] = lines(10, 'I', 1, [sack(5, 0)]);
    log.line(packet!);
    log.line('[10:11:1121/172940.1:INFO:other.cc:1] something else');
    expect(log.packets).toEqual([]);
  });

  it('summarizes what the busiest sender sent and was told', () => {
    const log = new SctpLog();
    const packets = [
      lines(20, 'O', 1.0, [data(0xfffffffe, 1, 1000)]),
      lines(20, 'O', 1.001, [data(0xffffffff, 1, 1000)]),
      lines(20, 'I', 1.002, [sack(0xfffffffd, 20)]),
      // Wraps past 2^32: a step of 3.
      lines(20, 'O', 1.5, [forwardTsn(0), data(1, 100, 25)]),
      lines(20, 'O', 1.6, [data(1, 100, 25, true)]),
      lines(20, 'I', 1.601, [sack(0, 2)]),
      lines(20, 'O', 1.602, [forwardTsn(1)]),
      lines(30, 'O', 1.7, [sack(9, 0), data(7, 100, 40)]),
      // The other page's end in the same process, on a clock of its own.
      lines(20, 'O', 50, [sack(9, 0), data(8, 100, 40)], 'DcSctpTransport1'),
    ];
    for (const line of packets.flat()) log.line(line);
    const endpoint = busiestSender(log.packets);
    expect(endpoint).toBe('20/DcSctpTransport0');
    const summary = summarizeSender(log.packets, endpoint!);
    expect(summary).toMatchObject({ dataChunks: 4, fragments: 1, largestPacket: 12 + 1016, retransmitted: 1, mostGapBlocks: 20, forwardTsns: 2, forwardTsnMedianStep: 3, forwardTsnLargestStep: 3 });
    expect(summary.longestDataPause).toBeCloseTo(499, 6);
    expect(summary.longestDataPauseAt).toBeCloseTo(1, 6);
  });
});
