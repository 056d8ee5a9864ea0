/**
 * Signaling server under load: N concurrent clients in N/2 rooms, for N = 200 and 2,000.
 * `npm run bench -- signaling`.
 *
 * The server runs as `npm start` runs it (signaling/main.ts, in its own process, per-address
 * limits raised because every client comes from 127.0.0.1); the clients are real socket.io
 * clients over WebSocket in this process. Each run:
 *   1. connects N clients;
 *   2. joins: in every pair the first client creates a room and joins, then the second joins
 *      (all pairs at once); join time is emit-to-ack of room:join;
 *   3. signals: every pair, starting at a random moment within the scenario's spread, runs the handshake a
 *      browser does: the newcomer sends an offer and trickles CANDIDATES candidates 20 ms apart;
 *      the other answers when the offer arrives and trickles as many back. Relay latency is
 *      sender emit to receiver `signal` event (one clock: same process);
 *   4. waits DRAIN_MS; a signal acknowledged by the server but never delivered is lost.
 * Server memory is the server's own resident set and heap as reported on its /metrics. The
 * two-instance scenario starts a redis-server (`apt-get install redis-server`) on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, PeerId, ServerToClientEvents, SignalData } from '../shared/events.ts';
import { startRedisServer } from '../test/signaling/redis-server.ts';
import { median, printTable } from './measure.ts';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Scenario {
  clients: number;
  /** Pairs start their handshakes at random moments within this window. */
  spreadMs: number;
  /** 2: two instances sharing rooms through a real redis-server, every pair split across them. */
  instances: 1 | 2;
}
/**
 * 200 and 2,000 clients with handshakes starting at 100 and 1,000 per second; 2,000 clients at
 * 100 per second (the 200-client rate, ten times the connections), on one instance and on two
 * sharing rooms through Redis. Other scenarios:
 * `npx tsx bench/signaling-load.bench.ts 2000@5000 500@1000x2` (clients@spreadMs[x2]).
 */
const SCENARIOS: Scenario[] =
  process.argv.length > 2
    ? process.argv.slice(2).map((arg) => {
        const [, clients, spreadMs = '1000', instances = '1'] = arg.match(/^(\d+)(?:@(\d+))?(?:x([12]))?$/) ?? [];
        if (!clients) throw new Error(`scenario ${arg}: expected clients@spreadMs[x2]`);
        return { clients: Number(clients), spreadMs: Number(spreadMs), instances: instances === '2' ? 2 : 1 };
      })
    : [
        { clients: 200, spreadMs: 1_000, instances: 1 },
        { clients: 2_000, spreadMs: 1_000, instances: 1 },
        { clients: 2_000, spreadMs: 10_000, instances: 1 },
        { clients: 2_000, spreadMs: 10_000, instances: 2 },
      ];
const CANDIDATES = 8;
const TRICKLE_INTERVAL_MS = 20;
const DRAIN_MS = 2_000;
const CONNECT_BATCH = 100;
const ACK_TIMEOUT_MS = 10_000;
const SIGNAL_PHASE_DEADLINE_MS = 60_000;
/** A data-channel-only offer from Chromium is ~600 bytes; pad ours to that. */
const SDP_PADDING = 'a=x-pad:'.padEnd(560, 'p');

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The server's /metrics answers only with its token. */
const METRICS_TOKEN = 'signaling-bench-metrics-token';

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function startServer(redisUrl: string | undefined): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(`${repoRoot}node_modules/.bin/tsx`, ['signaling/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      // "listening" is logged at info; requests log at debug, refusals at info (none expected).
      LOG_LEVEL: 'info',
      // All bench clients share one address; the per-connection limits stay at their defaults.
      MAX_CONNECTIONS_PER_ADDRESS: '100000',
      MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '100000',
      MAX_EVENTS_PER_ADDRESS_PER_10S: '10000000',
      MAX_ROOMS_PER_ADDRESS: '100000',
      ROOM_SECRET: 'signaling-bench-room-secret-0123456789',
      METRICS_TOKEN,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('server did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = buffered.match(/"port":(\d+)[^\n]*"msg":"listening"/);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
  });
}

async function serverStats(url: string): Promise<{ rssMb: number; heapMb: number; cpuSeconds: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
  return {
    rssMb: value('process_resident_memory_bytes') / 1e6,
    heapMb: value('nodejs_heap_size_used_bytes') / 1e6,
    cpuSeconds: value('process_cpu_seconds_total'),
  };
}

function connectClient(url: string): Promise<Client> {
  const socket: Client = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Client i connects to `urls[i % urls.length]`, so with two instances every pair spans both. */
async function connectAll(urls: readonly string[], count: number): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, (_, j) => connectClient(urls[(i + j) % urls.length]!));
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

/** Memory of the largest instance; CPU summed over instances. */
async function instancesStats(urls: readonly string[]) {
  const all = await Promise.all(urls.map(serverStats));
  return {
    rssMb: Math.max(...all.map((s) => s.rssMb)),
    heapMb: Math.max(...all.map((s) => s.heapMb)),
    cpuSeconds: all.reduce((sum, s) => sum + s.cpuSeconds, 0),
  };
}

interface RelayStats {
  latenciesMs: number[];
  acknowledged: number;
  refused: number;
  received: number;
}

async function joinPair(first: Client, second: Client, joinTimesMs: number[]): Promise<[PeerId, PeerId]> {
  const created = await first.timeout(ACK_TIMEOUT_MS).emitWithAck('room:create', {});
  if (!created.ok) throw new Error(`room:create refused: ${created.error.code}`);
  const timedJoin = async (client: Client) => {
    const start = performance.now();
    const reply = await client.timeout(ACK_TIMEOUT_MS).emitWithAck('room:join', { roomId: created.roomId });
    joinTimesMs.push(performance.now() - start);
    if (!reply.ok) throw new Error(`room:join refused: ${reply.error.code}`);
    return reply.selfId;
  };
  const firstId = await timedJoin(first);
  return [firstId, await timedJoin(second)];
}

/** Sends `data` stamped with a sequence number; the receiver looks the send time up by it. */
function makeSender(stats: RelayStats, sentAt: Map<string, number>) {
  let sequence = 0;
  return async (client: Client, to: PeerId, kind: 'offer' | 'answer' | 'candidate') => {
    const seq = `${client.id}-${sequence++}`;
    const data: SignalData =
      kind === 'candidate'
        ? { type: 'candidate', candidate: { candidate: `candidate:${seq} 1 udp 2122260223 10.0.0.2 50000 typ host`, sdpMid: '0', sdpMLineIndex: 0 } }
        : { type: kind, sdp: `v=0\r\no=- ${seq} 2 IN IP4 127.0.0.1\r\n${SDP_PADDING}\r\n` };
    sentAt.set(seq, performance.now());
    // No per-signal timer (18,000 of them would load this process, which shares the machine with
    // the server); the signal phase as a whole has a deadline instead.
    const reply = await new Promise<Ack>((resolve) => client.emit('signal', { to, data }, resolve));
    if (reply.ok) stats.acknowledged++;
    else {
      stats.refused++;
      sentAt.delete(seq);
    }
  };
}

function sequenceOf(data: SignalData): string | undefined {
  if (data.type === 'candidate') return data.candidate.candidate.split(' ')[0]?.slice('candidate:'.length);
  if (data.type === 'offer' || data.type === 'answer') return data.sdp.match(/^o=- (\S+)/m)?.[1];
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function handshake(
  spreadMs: number,
  [first, second]: readonly [Client, Client],
  [firstId, secondId]: readonly [PeerId, PeerId],
  send: ReturnType<typeof makeSender>,
) {
  await sleep(Math.random() * spreadMs);
  const trickle = async (client: Client, to: PeerId) => {
    for (let i = 0; i < CANDIDATES; i++) {
      await sleep(TRICKLE_INTERVAL_MS);
      await send(client, to, 'candidate');
    }
  };
  const answered = new Promise<void>((resolve) => {
    first.on('signal', ({ data }) => {
      if (data.type !== 'offer') return;
      void send(first, secondId, 'answer').then(() => trickle(first, secondId)).then(resolve);
    });
  });
  await send(second, firstId, 'offer');
  await Promise.all([trickle(second, firstId), answered]);
}

async function run({ clients: clientCount, spreadMs, instances }: Scenario) {
  const redis = instances === 2 ? await startRedisServer() : undefined;
  const servers = await Promise.all(Array.from({ length: instances }, () => startServer(redis?.url)));
  const urls = servers.map((server) => server.url);
  try {
    const idle = await instancesStats(urls);
    const clients = await connectAll(urls, clientCount);
    const connected = await instancesStats(urls);

    const joinTimesMs: number[] = [];
    const pairs = Array.from({ length: clientCount / 2 }, (_, i) => [clients[2 * i]!, clients[2 * i + 1]!] as const);
    const ids = await Promise.all(pairs.map(([first, second]) => joinPair(first, second, joinTimesMs)));

    const stats: RelayStats = { latenciesMs: [], acknowledged: 0, refused: 0, received: 0 };
    const sentAt = new Map<string, number>();
    for (const client of clients) {
      client.on('signal', ({ data }) => {
        const seq = sequenceOf(data);
        const start = seq === undefined ? undefined : sentAt.get(seq);
        if (start === undefined) return;
        stats.latenciesMs.push(performance.now() - start);
        stats.received++;
        sentAt.delete(seq!);
      });
    }
    const send = makeSender(stats, sentAt);
    const beforeSignals = await instancesStats(urls);
    const clientCpuBefore = process.cpuUsage();
    const signalStart = performance.now();
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pairs.map((pair, i) => handshake(spreadMs, pair, ids[i]!, send))),
      new Promise((_, reject) => {
        deadline = setTimeout(() => reject(new Error('signal phase missed its deadline: acks or signals never came')), SIGNAL_PHASE_DEADLINE_MS);
      }),
    ]).finally(() => clearTimeout(deadline));
    const signalMs = performance.now() - signalStart;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const busy = await instancesStats(urls);
    await sleep(DRAIN_MS);

    for (const client of clients) client.disconnect();
    return {
      clientCount,
      instances,
      spreadMs,
      handshakesPerSecond: pairs.length / (spreadMs / 1000),
      joinP50: percentile(joinTimesMs, 50),
      joinP99: percentile(joinTimesMs, 99),
      relayP50: percentile(stats.latenciesMs, 50),
      relayP99: percentile(stats.latenciesMs, 99),
      relayMedian: median(stats.latenciesMs),
      signalsPerSecond: stats.acknowledged / (signalMs / 1000),
      // CPU time per relayed signal: each side's cost, whatever else the machine was doing.
      serverCpuUs: ((busy.cpuSeconds - beforeSignals.cpuSeconds) * 1e6) / stats.acknowledged,
      clientCpuUs: (clientCpu.user + clientCpu.system) / stats.acknowledged,
      ...stats,
      lost: stats.acknowledged - stats.received,
      idle,
      connected,
      busy,
    };
  } finally {
    await Promise.all(servers.map(({ child }) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))));
    await redis?.stop();
  }
}

// Latency depends on what else runs on the machine; say how busy it was.
console.log(`${cpus().length} cores, load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const results = [];
for (const scenario of SCENARIOS) results.push(await run(scenario));
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

printTable(
  `Signaling load: N clients in N/2 rooms; offer + answer + ${CANDIDATES} candidates each way per pair`,
  ['N', 'instances', 'handshakes/s', 'join p50 ms', 'join p99 ms', 'relay p50 ms', 'relay p99 ms', 'signals', 'signals/s', 'lost', 'refused', 'server CPU µs/signal', 'client CPU µs/signal'],
  results.map((r) => [
    r.clientCount, r.instances, r.handshakesPerSecond, r.joinP50, r.joinP99, r.relayP50, r.relayP99, r.acknowledged, r.signalsPerSecond, r.lost, r.refused, r.serverCpuUs, r.clientCpuUs,
  ]),
);
printTable(
  'Signaling server memory (its own /metrics: resident set / JS heap used, MB; with two instances, the larger)',
  ['N', 'instances', 'handshakes/s', 'idle RSS', 'idle heap', 'connected RSS', 'connected heap', 'after signals RSS', 'after signals heap'],
  results.map((r) => [r.clientCount, r.instances, r.handshakesPerSecond, r.idle.rssMb, r.idle.heapMb, r.connected.rssMb, r.connected.heapMb, r.busy.rssMb, r.busy.heapMb]),
);
const failed = results.filter((r) => r.lost > 0 || r.refused > 0);
if (failed.length > 0) {
  console.error(`lost or refused signals at N = ${failed.map((r) => r.clientCount).join(', ')}`);
  process.exit(1);
}
