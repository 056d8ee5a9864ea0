import { describe, expect, it } from 'vitest';
import { DATA_HEADER_BYTES, MAX_PACKET_BYTES } from '../../../shared/protocol/limits.ts';
import { MIN_PACKET_BYTES, REPAIR_ROUNDS, SendOptions } from '../../../web/src/lib/send-options.svelte.ts';

describe('SendOptions', () => {
  it('turns the form into engine options', () => {
    const options = new SendOptions();
    options.order = 'rows';
    options.packetBytes = 600;
    options.lossPercent = 5;
    options.rateLimit = 2.5;
    expect(options.effective).toEqual({
      order: 'rows',
      payloadBytes: 600 - DATA_HEADER_BYTES,
      lossPercent: 5,
      burstLength: 1,
      repairRounds: REPAIR_ROUNDS,
      rateLimitBytesPerSecond: 2_500_000,
    });
  });

  it('clamps odd or empty numbers instead of failing the send', () => {
    const options = new SendOptions();
    options.packetBytes = 99_999;
    options.lossPercent = -4;
    options.burstLength = Number.NaN;
    options.repair = false;
    expect(options.effective).toMatchObject({
      payloadBytes: MAX_PACKET_BYTES - DATA_HEADER_BYTES,
      lossPercent: 0,
      burstLength: 1,
      repairRounds: 0,
    });
    options.packetBytes = 1;
    expect(options.effective.payloadBytes).toBe(MIN_PACKET_BYTES - DATA_HEADER_BYTES);
  });
});
