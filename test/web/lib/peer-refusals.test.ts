import { describe, expect, it } from 'vitest';
import { describeRefusals, NO_REFUSALS, peerRefusals } from '../../../web/src/lib/peer-refusals.ts';

const quiet = { foreign: 0, stale: 0, malformedPackets: 0, malformedControl: 0, refused: 0, busy: 0, idle: 0 };

describe('peer refusals', () => {
  it('say nothing when nothing was refused (late packets of a real transfer are not refusals)', () => {
    expect(peerRefusals({ ...quiet, stale: 12 }, 0)).toEqual(NO_REFUSALS);
    expect(describeRefusals(NO_REFUSALS)).toBeNull();
  });

  it('count a refused manifest once, as a transfer, and text messages as malformed', () => {
    // 999 busy and 2 over the limits (each of those also counted as malformed control), 5 bad packets, 3 texts.
    const r = peerRefusals({ ...quiet, refused: 1001, busy: 999, malformedControl: 2, malformedPackets: 5, foreign: 7, idle: 1 }, 3);
    expect(r).toEqual({ transfers: 1001, busy: 999, silent: 1, malformed: 8, stray: 7 });
    expect(describeRefusals(r)).toBe(
      'Refused from the other person: 1,001 transfers (999 while another was arriving), 1 transfer ended after the sender fell silent, 8 malformed messages, 7 stray packets.',
    );
  });
});
