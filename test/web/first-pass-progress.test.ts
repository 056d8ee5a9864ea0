import { describe, expect, it } from 'vitest';
import { encodeDataPacket } from '../../shared/protocol/index.ts';
import { FirstPassProgress } from '../../web/src/lib/first-pass-progress.ts';

const packet = (transferId: number, sequence: number) => encodeDataPacket({ transferId, sequence, payload: new Uint8Array(3) });

describe('FirstPassProgress', () => {
  it('counts up to the highest sequence seen, per transfer, whatever the arrival order', () => {
    const progress = new FirstPassProgress();
    for (const [id, seq] of [[1, 4], [1, 2], [2, 0], [1, 9], [1, 7]] as const) progress.observe(packet(id, seq));
    expect(progress.sentSoFar(1)).toBe(10);
    expect(progress.sentSoFar(2)).toBe(1);
    expect(progress.sentSoFar(3)).toBe(0);
    progress.forget(1);
    expect(progress.sentSoFar(1)).toBe(0);
  });

  it('ignores what is not a valid data packet', () => {
    const progress = new FirstPassProgress();
    progress.observe(new Uint8Array([1, 2, 3]));
    progress.observe(new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]));
    expect(progress.sentSoFar(0x09090909)).toBe(0);
  });
});
