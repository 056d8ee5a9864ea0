/**
 * Runs inside a bench page (served by ../raw-pair.ts, transpiled on the fly): a bare
 * RTCPeerConnection with three pre-negotiated data channels, and the senders and counters the
 * end-to-end benchmark compares Pixeldrop with. No app code, no simple-peer: this is the ceiling
 * and the alternatives a user would otherwise pick.
 */

/** Same backpressure marks as the app uses: send while under HIGH, resume at LOW. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const GATHERING_TIMEOUT_MS = 10_000;

/** Channel ids are fixed on both sides (`negotiated: true`), so no `datachannel` event races. */
const CHANNELS = {
  /** Unreliable, unordered: what Pixeldrop sends pixel packets over. */
  unreliable: { id: 0, ordered: false, maxRetransmits: 0 },
  /** Reliable, ordered: how the popular sharing apps move a file. */
  reliable: { id: 1, ordered: true },
} as const;

export type ChannelName = keyof typeof CHANNELS;

export interface Counter {
  messages: number;
  bytes: number;
  /** Epoch milliseconds (timeOrigin + now) of the first and last message, so two pages compare. */
  firstAt: number;
  lastAt: number;
}

let pc: RTCPeerConnection | undefined;
const channels = new Map<ChannelName, RTCDataChannel>();
const counters = new Map<ChannelName, Counter>();

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function freshCounter(): Counter {
  return { messages: 0, bytes: 0, firstAt: 0, lastAt: 0 };
}

function connection(): RTCPeerConnection {
  if (!pc) throw new Error('no peer connection yet: call offer() or answer() first');
  return pc;
}

function channel(name: ChannelName): RTCDataChannel {
  const found = channels.get(name);
  if (!found || found.readyState !== 'open') throw new Error(`channel ${name} is not open`);
  return found;
}

function setUp(): RTCPeerConnection {
  // No ICE servers: host candidates only, as both pages run on this machine.
  const created = new RTCPeerConnection({ iceServers: [] });
  for (const [name, config] of Object.entries(CHANNELS) as [ChannelName, RTCDataChannelInit & { id: number }][]) {
    const dc = created.createDataChannel(name, { ...config, negotiated: true });
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = LOW_WATER;
    counters.set(name, freshCounter());
    dc.onmessage = (event: MessageEvent<ArrayBuffer>) => count(name, event.data.byteLength);
    channels.set(name, dc);
  }
  pc = created;
  return created;
}

function count(name: ChannelName, bytes: number): void {
  const counter = counters.get(name)!;
  const now = epochNow();
  if (counter.messages === 0) counter.firstAt = now;
  counter.lastAt = now;
  counter.messages++;
  counter.bytes += bytes;
}

/** Non-trickle signaling: the description is handed over once every candidate is in it. */
async function gathered(conn: RTCPeerConnection): Promise<string> {
  if (conn.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ICE gathering timed out (no non-loopback interface?)')), GATHERING_TIMEOUT_MS);
      conn.addEventListener('icegatheringstatechange', () => {
        if (conn.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }
  return conn.localDescription!.sdp;
}

export async function offer(): Promise<string> {
  const conn = setUp();
  await conn.setLocalDescription(await conn.createOffer());
  return gathered(conn);
}

export async function answer(offerSdp: string): Promise<string> {
  const conn = setUp();
  await conn.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  await conn.setLocalDescription(await conn.createAnswer());
  return gathered(conn);
}

export async function accept(answerSdp: string): Promise<void> {
  await connection().setRemoteDescription({ type: 'answer', sdp: answerSdp });
}

export async function opened(timeoutMs: number): Promise<void> {
  const waits = [...channels.values()].map(
    (dc) =>
      new Promise<void>((resolve, reject) => {
        if (dc.readyState === 'open') return resolve();
        const timer = setTimeout(() => reject(new Error(`channel ${dc.label} did not open in ${timeoutMs} ms`)), timeoutMs);
        dc.addEventListener('open', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  );
  await Promise.all(waits);
}

export function resetCounters(): void {
  for (const name of counters.keys()) counters.set(name, freshCounter());
}

export function counter(name: ChannelName): Counter {
  return { ...counters.get(name)! };
}

function drained(dc: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => dc.addEventListener('bufferedamountlow', () => resolve(), { once: true }));
}

/** Sends every message `make(i)` returns for i in [0, count), pausing at the high-water mark. Returns the epoch start time. */
async function pump(dc: RTCDataChannel, count: number, make: (i: number) => ArrayBufferView<ArrayBuffer>): Promise<number> {
  const startedAt = epochNow();
  for (let i = 0; i < count; i++) {
    if (dc.bufferedAmount > HIGH_WATER) await drained(dc);
    dc.send(make(i));
  }
  return startedAt;
}

/** Ceiling: `totalBytes` of `messageSize`-byte messages, as fast as the unreliable channel takes them. */
export function sendUnreliable(totalBytes: number, messageSize: number): Promise<number> {
  const message = new Uint8Array(messageSize);
  crypto.getRandomValues(message);
  return pump(channel('unreliable'), Math.ceil(totalBytes / messageSize), () => message);
}

/**
 * The classic demo: one pixel per datagram, position and RGBA (x, y as uint16, then r, g, b, a),
 * here without its 1 ms sleep. Pixels walk the image row by row.
 */
export function sendPixels(pixelCount: number, width: number): Promise<number> {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  return pump(channel('unreliable'), pixelCount, (i) => {
    view.setUint16(0, i % width);
    view.setUint16(2, Math.floor(i / width));
    view.setUint32(4, i * 2654435761);
    return message;
  });
}

/** The common sharing apps: a file fetched from `url`, sent as `chunkSize` chunks over the reliable ordered channel. */
export async function sendFileReliable(url: string, chunkSize: number): Promise<{ startedAt: number; bytes: number }> {
  const file = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const chunks = Math.ceil(file.byteLength / chunkSize);
  const startedAt = await pump(channel('reliable'), chunks, (i) => file.subarray(i * chunkSize, (i + 1) * chunkSize));
  return { startedAt, bytes: file.byteLength };
}

/**
 * The selected candidate pair's round trip in milliseconds as getStats reports it (STUN
 * consent checks measure it), or null before the first measurement.
 */
export async function roundTripMs(): Promise<number | null> {
  const report = await connection().getStats();
  for (const entry of report.values()) {
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') {
      const rtt = report.get(entry.selectedCandidatePairId)?.currentRoundTripTime;
      return typeof rtt === 'number' ? rtt * 1000 : null;
    }
  }
  return null;
}
