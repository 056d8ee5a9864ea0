import { describe, expect, it } from 'vitest';
import { linkPathFromStats } from '../../../web/src/net/link-path.ts';

function report(local: string, remote: string, rtt?: number) {
  return new Map<string, { type: string; [key: string]: unknown }>([
    ['T1', { type: 'transport', selectedCandidatePairId: 'CP1' }],
    ['CP1', { type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', currentRoundTripTime: rtt }],
    ['CP2', { type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1' }],
    ['L1', { type: 'local-candidate', candidateType: local }],
    ['L2', { type: 'local-candidate', candidateType: 'relay' }],
    ['R1', { type: 'remote-candidate', candidateType: remote }],
  ]);
}

describe('linkPathFromStats', () => {
  it('reads the selected pair only', () => {
    expect(linkPathFromStats(report('host', 'host', 0.004))).toEqual({ kind: 'direct', rttMs: 4 });
  });

  it('names STUN and TURN routes', () => {
    expect(linkPathFromStats(report('srflx', 'host'))?.kind).toBe('stun');
    expect(linkPathFromStats(report('host', 'srflx'))?.kind).toBe('stun');
    expect(linkPathFromStats(report('host', 'prflx'))?.kind).toBe('direct');
    expect(linkPathFromStats(report('relay', 'srflx'))).toEqual({ kind: 'relay', rttMs: null });
  });

  it('says nothing before a pair is selected', () => {
    expect(linkPathFromStats(new Map([['T1', { type: 'transport' }]]))).toBeNull();
  });
});
