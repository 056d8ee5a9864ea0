/**
 * What a peer's transfers may cost the receiving side: one image at a time, a silent sender
 * ends its transfer, and the ids remembered for late packets stay few. Virtual time throughout.
 */
import { describe, expect, it } from 'vitest';
import {
  CancelOrigin,
  CancelReason,
  decodeControlMessage,
  encodeDataPacket,
  encodeManifest,
  type ControlMessage,
} from '../../../shared/protocol/index.ts';
import {
  ENDED_IDS_KEPT,
  IdleWatch,
  MAX_INCOMING_TRANSFERS,
  RECEIVER_IDLE_MS,
  RecentIds,
} from '../../../shared/transfer/incoming-budget.ts';
import { TransferSession, type Receiver } from '../../../shared/transfer/index.ts';
import { VirtualTime } from '../../doubles/virtual-time.ts';
import { plainManifest, randomImage } from './arbitraries.ts';
import { connectPair } from './harness.ts';


/** A session whose peer is this test: every control message it sends is decoded and kept. */
function victim(rgba = true) {
  const time = new VirtualTime();
  const sent: ControlMessage[] = [];
  const incoming: Receiver[] = [];
  const session = new TransferSession({
    control: { send: (bytes) => sent.push(decodeControlMessage(bytes)) },
    packets: { send: () => {}, bufferedAmount: 0, onceBufferedAmountLow: (_threshold, callback) => callback() },
    now: time.now,
    schedule: time.schedule,
    receiver: { rgba },
    onIncoming: (receiver) => incoming.push(receiver),
  });
  return { time, sent, incoming, session };
}

const manifestBytes = encodeManifest;

describe('incoming transfers', () => {
  it('takes one at a time: 1,000 manifests make one receiver and 999 busy cancels', () => {
    expect(MAX_INCOMING_TRANSFERS).toBe(1);
    const { session, sent, incoming } = victim();
    for (let id = 1; id <= 1000; id++) session.receiveControl(manifestBytes(plainManifest(id)));
    expect(incoming).toHaveLength(1);
    expect(session.stats).toMatchObject({ refused: 999, busy: 999, malformedControl: 0 });
    expect(sent).toHaveLength(999);
    for (const [index, message] of sent.entries()) {
      expect(message).toEqual({ type: 'cancel', transferId: index + 2, origin: CancelOrigin.RECEIVER, reason: CancelReason.BUSY });
    }
  });

  it('refuses a second image of a real sender with reason busy, and the first still arrives exact', () => {
    const pair = connectPair({ bytesPerMs: 200 });
    const image = randomImage(256, 256, { kind: 'bgr', bitsPerPixel: 24 }, 1);
    const first = pair.alice.send(image, { fileName: 'a.bmp', repairRounds: 2 });
    pair.time.run(50);
    expect(pair.received[0]?.state).toBe('receiving');
    const second = pair.alice.send(randomImage(32, 32, { kind: 'bgr', bitsPerPixel: 24 }, 2), { fileName: 'b.bmp' });
    pair.time.run();
    expect(second.state).toBe('cancelled');
    expect(second.refusal).toBe(CancelReason.BUSY);
    expect(first.state).toBe('complete');
    expect(first.refusal).toBeNull();
    expect(pair.received).toHaveLength(1);
    expect(pair.received[0]!.image.pixels).toEqual(image.pixels);
    expect(pair.bob.stats).toMatchObject({ busy: 1, refused: 1 });
  });

  it('takes the next image once the last has ended', () => {
    const pair = connectPair({ bytesPerMs: 2000 });
    for (let n = 1; n <= 3; n++) {
      const sender = pair.alice.send(randomImage(16, 16, { kind: 'bgr', bitsPerPixel: 24 }, n), { fileName: `${n}.bmp` });
      pair.time.run();
      expect(sender.state).toBe('complete');
    }
    expect(pair.bob.stats).toMatchObject({ busy: 0, refused: 0 });
  });
});

describe('a silent sender', () => {
  it(`ends as interrupted after ${RECEIVER_IDLE_MS} ms without a word, tells the peer, and frees the slot`, () => {
    const { session, sent, incoming, time } = victim(false);
    session.receiveControl(manifestBytes(plainManifest(1)));
    time.run(RECEIVER_IDLE_MS - 1);
    expect(incoming[0]!.state).toBe('receiving');
    time.run(RECEIVER_IDLE_MS);
    expect(incoming[0]!.state).toBe('interrupted');
    expect(session.stats.idle).toBe(1);
    expect(sent).toEqual([{ type: 'cancel', transferId: 1, origin: CancelOrigin.RECEIVER, reason: CancelReason.ERROR }]);

    session.receiveControl(manifestBytes(plainManifest(2)));
    expect(incoming).toHaveLength(2);
    expect(session.stats.busy).toBe(0);
  });

  it('is not idle while packets keep coming, however long the transfer takes', () => {
    const { session, incoming, time } = victim(false);
    const m = plainManifest(1, 1000, 1000);
    session.receiveControl(manifestBytes(m));
    // One packet every 10 s, well inside the idle limit, for far longer than it.
    for (let sequence = 0; sequence < 20; sequence++) {
      time.schedule(() => {}, 10_000);
      time.run(time.now() + 10_000);
      session.receivePacket(encodeDataPacket({ transferId: 1, sequence, payload: new Uint8Array(1140) }));
    }
    expect(time.now()).toBeGreaterThan(5 * RECEIVER_IDLE_MS);
    expect(incoming[0]!.state).toBe('receiving');
    expect(session.stats.idle).toBe(0);
  });

  it('moves one timer, not one per packet', () => {
    const time = new VirtualTime();
    let timers = 0;
    let idle = 0;
    const watch = new IdleWatch(time.now, (run, ms) => (timers++, time.schedule(run, ms)), () => idle++, 1000);
    for (let t = 100; t < 5000; t += 100) {
      time.run(t);
      watch.heard();
    }
    time.run();
    expect(idle).toBe(1);
    // One arm, then one re-arm per idle period that passed without expiring.
    expect(timers).toBeLessThanOrEqual(7);
  });
});

describe('ended transfer ids', () => {
  it('are kept for the latest few only, and late packets of a recent transfer still count as stale', () => {
    const { session, incoming } = victim(false);
    for (let id = 1; id <= 1000; id++) {
      session.receiveControl(manifestBytes(plainManifest(id, 1, 1)));
      incoming.at(-1)!.cancel();
    }
    expect(incoming).toHaveLength(1000);
    session.receivePacket(encodeDataPacket({ transferId: 1000, sequence: 0, payload: new Uint8Array(3) }));
    expect(session.stats.stale).toBe(1);
    const endedIds = (session as unknown as { endedReceivers: RecentIds }).endedReceivers;
    expect(endedIds.size).toBe(ENDED_IDS_KEPT);
  });

  it('forget the oldest first', () => {
    const ids = new RecentIds(3);
    for (const id of [5, 6, 7, 6, 8]) ids.add(id);
    expect([5, 6, 7, 8].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    expect(ids.size).toBe(3);
  });
});

describe('a manifest at the pixel limit', () => {
  // 2^25 pixels, the default limit: each receiver holds 96 MiB of native pixels.
  it('is one receiver, however many of them come', () => {
    const { session, incoming } = victim(false);
    for (let id = 1; id <= 50; id++) session.receiveControl(manifestBytes(plainManifest(id, 2 ** 13, 2 ** 12)));
    expect(incoming).toHaveLength(1);
    expect(session.stats.busy).toBe(49);
  });
});
