/** What getStats() says about the route the connection took and its round-trip time. */

export type PathKind = 'direct' | 'stun' | 'relay';

export interface LinkPath {
  kind: PathKind;
  /** Round-trip time of the selected candidate pair in milliseconds; null until measured. */
  rttMs: number | null;
}

export const PATH_LABELS: Record<PathKind, string> = {
  direct: 'direct (host)',
  stun: 'STUN (server-reflexive)',
  relay: 'TURN relay',
};

interface StatsEntry {
  type: string;
  [key: string]: unknown;
}

/** Reads the selected candidate pair out of an RTCStatsReport (or any map of stats objects). */
export function linkPathFromStats(report: ReadonlyMap<string, StatsEntry>): LinkPath | null {
  const pair = selectedPair(report);
  if (!pair) return null;
  const types = [pair.localCandidateId, pair.remoteCandidateId].map(
    (id) => report.get(String(id))?.candidateType,
  );
  // A peer-reflexive candidate is an address learned from the connectivity checks themselves:
  // no server was involved, so the path is as direct as a host one.
  const kind: PathKind = types.includes('relay') ? 'relay' : types.includes('srflx') ? 'stun' : 'direct';
  const rtt = pair.currentRoundTripTime;
  return { kind, rttMs: typeof rtt === 'number' ? rtt * 1000 : null };
}

function selectedPair(report: ReadonlyMap<string, StatsEntry>): StatsEntry | undefined {
  for (const entry of report.values()) {
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') {
      const pair = report.get(entry.selectedCandidatePairId);
      if (pair) return pair;
    }
  }
  // Browsers without transport stats mark the pair in use as nominated and succeeded.
  for (const entry of report.values()) {
    if (entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded') return entry;
  }
  return undefined;
}
