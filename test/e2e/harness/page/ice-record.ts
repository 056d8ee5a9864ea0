/**
 * Injected into app pages before any of their scripts run (never part of the app): remembers
 * every RTCPeerConnection the page makes, so a test can ask what ICE did — the configuration the
 * app gave it, the candidates on both sides, the pairs tried and the pair in use — and what each
 * connection carried (packets per candidate pair, messages per data channel), from the browser's
 * own getStats().
 */

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface CandidateInfo {
  type: CandidateType;
  /** Empty for a remote peer-reflexive candidate: Chromium does not show those addresses. */
  address: string;
  port: number;
  protocol: string;
  /** For a relay candidate: how this side reaches the TURN server. */
  relayProtocol?: string;
}

export interface PairInfo {
  local: CandidateType;
  remote: CandidateType;
  state: string;
}

export interface IceReport {
  /** Connections the page has made so far (the report is about the latest). */
  connections: number;
  /** How many of them ICE gave up on (`iceConnectionState` or `connectionState` reached `failed`). */
  failedConnections: number;
  iceTransportPolicy: string;
  iceServerUrls: string[];
  iceConnectionState: string;
  local: CandidateInfo[];
  remote: CandidateInfo[];
  pairs: PairInfo[];
  /** The pair in use, or null while there is none. */
  selected: { local: CandidateInfo; remote: CandidateInfo } | null;
}

const connections: RTCPeerConnection[] = [];
let failedConnections = 0;
const Native = window.RTCPeerConnection;

class RecordedPeerConnection extends Native {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    connections.push(this);
    // simple-peer closes the connection on whichever of the two says `failed` first, so by the
    // time the other event fires its state reads `closed`.
    let failed = false;
    const onStateChange = () => {
      if (failed || (this.iceConnectionState !== 'failed' && this.connectionState !== 'failed')) return;
      failed = true;
      failedConnections++;
    };
    this.addEventListener('iceconnectionstatechange', onStateChange);
    this.addEventListener('connectionstatechange', onStateChange);
  }
}
window.RTCPeerConnection = RecordedPeerConnection;

interface StatsEntry {
  type: string;
  id: string;
  [key: string]: unknown;
}

function candidate(entry: StatsEntry | undefined): CandidateInfo {
  return {
    type: entry?.candidateType as CandidateType,
    address: String(entry?.address ?? ''),
    port: Number(entry?.port ?? 0),
    protocol: String(entry?.protocol ?? ''),
    ...(typeof entry?.relayProtocol === 'string' ? { relayProtocol: entry.relayProtocol } : {}),
  };
}

/** What ICE did on the page's latest RTCPeerConnection; rejects when the page made none. */
export async function iceReport(): Promise<IceReport> {
  const pc = connections.at(-1);
  if (!pc) throw new Error('the page has made no RTCPeerConnection');
  const report = await pc.getStats();
  const entries = [...(report.values() as Iterable<StatsEntry>)];
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const transport = entries.find((entry) => entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string');
  const selectedPair = transport ? byId.get(String(transport.selectedCandidatePairId)) : undefined;
  const configuration = pc.getConfiguration();
  return {
    connections: connections.length,
    failedConnections,
    iceTransportPolicy: configuration.iceTransportPolicy ?? 'all',
    iceServerUrls: (configuration.iceServers ?? []).flatMap((server) => server.urls),
    iceConnectionState: pc.iceConnectionState,
    local: entries.filter((entry) => entry.type === 'local-candidate').map(candidate),
    remote: entries.filter((entry) => entry.type === 'remote-candidate').map(candidate),
    pairs: entries
      .filter((entry) => entry.type === 'candidate-pair')
      .map((entry) => ({
        local: candidate(byId.get(String(entry.localCandidateId))).type,
        remote: candidate(byId.get(String(entry.remoteCandidateId))).type,
        state: String(entry.state),
      })),
    selected: selectedPair
      ? { local: candidate(byId.get(String(selectedPair.localCandidateId))), remote: candidate(byId.get(String(selectedPair.remoteCandidateId))) }
      : null,
  };
}

/** Counters of one data channel, from its `data-channel` stats. */
export interface ChannelCounters {
  label: string;
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
}

/** What one RTCPeerConnection of the page carried, by the browser's own counters. */
export interface ConnectionCounters {
  /** Position among the page's connections, in the order it made them. */
  index: number;
  connectionState: RTCPeerConnectionState;
  /** UDP ports of the selected candidate pair (0 while none is selected). */
  localPort: number;
  remotePort: number;
  /** Of the selected candidate pair: packets handed to the network, and those Chromium refused to send. */
  packetsSent: number;
  packetsReceived: number;
  packetsDiscardedOnSend: number;
  bytesDiscardedOnSend: number;
  channels: ChannelCounters[];
}

/**
 * The counters of every connection the page has made that still answers getStats() (a closed
 * one reports nothing). Read them before and after a transfer: they count over the connection's life.
 */
export async function connectionCounters(): Promise<ConnectionCounters[]> {
  const out: ConnectionCounters[] = [];
  for (const [index, pc] of connections.entries()) {
    if (pc.connectionState === 'closed') continue;
    const entries = [...((await pc.getStats()).values() as Iterable<StatsEntry>)];
    const byId = new Map(entries.map((entry) => [entry.id, entry]));
    const transport = entries.find((entry) => entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string');
    const pair = transport ? byId.get(String(transport.selectedCandidatePairId)) : undefined;
    const count = (entry: StatsEntry | undefined, key: string) => Number(entry?.[key] ?? 0);
    out.push({
      index,
      connectionState: pc.connectionState,
      localPort: candidate(byId.get(String(pair?.localCandidateId))).port,
      remotePort: candidate(byId.get(String(pair?.remoteCandidateId))).port,
      packetsSent: count(pair, 'packetsSent'),
      packetsReceived: count(pair, 'packetsReceived'),
      packetsDiscardedOnSend: count(pair, 'packetsDiscardedOnSend'),
      bytesDiscardedOnSend: count(pair, 'bytesDiscardedOnSend'),
      channels: entries
        .filter((entry) => entry.type === 'data-channel')
        .map((entry) => ({
          label: String(entry.label ?? ''),
          messagesSent: count(entry, 'messagesSent'),
          messagesReceived: count(entry, 'messagesReceived'),
          bytesSent: count(entry, 'bytesSent'),
          bytesReceived: count(entry, 'bytesReceived'),
        })),
    });
  }
  return out;
}
