/** One decoder per channel: what each channel may carry, and the id of a refused manifest. */
import { describe, expect, it } from 'vitest';
import {
  CancelOrigin,
  CancelReason,
  DEFAULT_MANIFEST_LIMITS,
  ProtocolErrorCode,
  decodeControlChannelMessage,
  decodePacketChannelMessage,
  encodeControlMessage,
  encodeDataPacket,
  encodeManifest,
  Verdict,
  type Manifest,
} from '../../../shared/protocol/index.ts';
import { thrown } from './thrown.ts';

const manifest: Manifest = {
  transferId: 0x01020304,
  fileName: 'a.bmp',
  width: 100,
  height: 100,
  format: { kind: 'bgr', bitsPerPixel: 24 },
  scanOrder: { kind: 'rows' },
  payloadBytes: 1140,
  packetCount: 27,
  repairRounds: 3,
  crc32: 0,
};

describe('decodePacketChannelMessage', () => {
  it('decodes a data packet and a progress report, each by its type', () => {
    const payload = Uint8Array.of(9, 8, 7);
    expect(decodePacketChannelMessage(encodeDataPacket({ transferId: 5, sequence: 6, payload }))).toEqual({
      type: 'data',
      packet: { transferId: 5, sequence: 6, payload },
    });
    const progress = { type: 'progress', transferId: 5, round: 1, reach: 64 } as const;
    expect(decodePacketChannelMessage(encodeControlMessage(progress))).toEqual({ type: 'progress', progress });
  });

  it("decodes the copies of the messages that end a pass, and no other control message", () => {
    const endOfPass = { type: 'end-of-pass', transferId: 5, round: 0, sent: 10, simulatedDrops: Uint32Array.of(3) } as const;
    const receipt = { type: 'receipt', transferId: 5, round: 0, received: 9, missing: Uint32Array.of(3) } as const;
    const complete = { type: 'complete', transferId: 5, verdict: Verdict.COMPLETE, rounds: 1, received: 10, lostBySimulation: 0, lostByNetwork: 0 } as const;
    for (const message of [endOfPass, receipt, complete]) {
      expect(decodePacketChannelMessage(encodeControlMessage(message))).toEqual({ type: 'pass', message });
    }
    expect(thrown(() => decodePacketChannelMessage(encodeManifest(manifest))).code).toBe(ProtocolErrorCode.UNKNOWN_TYPE);
  });

  it('refuses control messages and garbage with the typed error', () => {
    const cancel = encodeControlMessage({ type: 'cancel', transferId: 1, origin: CancelOrigin.SENDER, reason: CancelReason.USER });
    expect(thrown(() => decodePacketChannelMessage(cancel)).code).toBe(ProtocolErrorCode.TRUNCATED);
    expect(thrown(() => decodePacketChannelMessage(Uint8Array.of(1, 7, 0))).code).toBe(ProtocolErrorCode.TRUNCATED);
    expect(thrown(() => decodePacketChannelMessage(Uint8Array.of(2, 7, 1, 0, 0, 0, 0, 1, 0, 0, 0))).code).toBe(
      ProtocolErrorCode.UNSUPPORTED_VERSION,
    );
  });
});

describe('decodeControlChannelMessage', () => {
  it('decodes every control message, progress included (older receivers sent it here)', () => {
    expect(decodeControlChannelMessage(encodeManifest(manifest))).toEqual({ type: 'manifest', ...manifest });
    const progress = { type: 'progress', transferId: 5, round: 0, reach: 3 } as const;
    expect(decodeControlChannelMessage(encodeControlMessage(progress))).toEqual(progress);
  });

  it('names the transfer of a refused manifest, and of no other refused message', () => {
    const over = thrown(() => decodeControlChannelMessage(encodeManifest(manifest), { ...DEFAULT_MANIFEST_LIMITS, maxPixels: 1000 }));
    expect(over.code).toBe(ProtocolErrorCode.LIMIT_EXCEEDED);
    expect(over.refusedManifest).toBe(0x01020304);
    const cut = thrown(() => decodeControlChannelMessage(encodeManifest(manifest).subarray(0, 12)));
    expect(cut.code).toBe(ProtocolErrorCode.TRUNCATED);
    expect(cut.refusedManifest).toBe(0x01020304);
    // Too short to hold the id: refused without one.
    expect(thrown(() => decodeControlChannelMessage(encodeManifest(manifest).subarray(0, 5))).refusedManifest).toBeUndefined();
    const data = thrown(() => decodeControlChannelMessage(encodeDataPacket({ transferId: 1, sequence: 0, payload: new Uint8Array(4) })));
    expect(data.code).toBe(ProtocolErrorCode.UNKNOWN_TYPE);
    expect(data.refusedManifest).toBeUndefined();
  });
});
