/**
 * simple-peer hands over Node Buffers: views at an offset into a pooled ArrayBuffer that is
 * reused as soon as the handler returns. The engine must read through the view's offset and keep
 * nothing that points into it.
 */
import { describe, expect, it } from 'vitest';
import { TransferSession, type Receiver } from '../../../shared/transfer/index.ts';
import { createMemoryControlLink, createMemoryPacketLink } from '../../doubles/memory-link.ts';
import { VirtualTime } from '../../doubles/virtual-time.ts';
import { randomImage } from './arbitraries.ts';
import { sameBytes } from './pixels.ts';

/** Delivers each message as a view at an odd offset into one shared pool, then scribbles over the pool. */
function pooled(deliver: (bytes: Uint8Array) => void): (bytes: Uint8Array) => void {
  const pool = new Uint8Array(64 * 1024);
  let offset = 1;
  return (bytes) => {
    if (offset + bytes.length > pool.length) offset = 1;
    pool.set(bytes, offset);
    deliver(pool.subarray(offset, offset + bytes.length));
    pool.fill(0xa5, offset, offset + bytes.length);
    offset += bytes.length + 3;
  };
}

describe('pooled buffer views', () => {
  it('a transfer with repair and early packets ends exact when every message is a reused view', () => {
    const time = new VirtualTime();
    const { now, schedule } = time;
    let receiver: Receiver | undefined;
    let alice: TransferSession | undefined;
    const palette = new Uint8Array(16 * 4).map((_, i) => i * 3);
    const image = randomImage(333, 97, { kind: 'indexed', bitsPerPixel: 4, palette }, 5);
    const bob: TransferSession = new TransferSession({
      control: createMemoryControlLink(schedule, pooled((bytes) => alice!.receiveControl(bytes))),
      packets: createMemoryPacketLink({ now, schedule }, () => {}),
      now,
      schedule,
      onIncoming: (r) => (receiver = r),
    });
    alice = new TransferSession({
      // Control slower than data: the first packets overtake the manifest and wait in the session.
      control: createMemoryControlLink(schedule, pooled((bytes) => bob.receiveControl(bytes)), 5),
      packets: createMemoryPacketLink({ now, schedule, latencyMs: 0, loss: { kind: 'bernoulli', p: 0.2, seed: 8 } }, pooled((bytes) =>
        bob.receivePacket(bytes),
      )),
      now,
      schedule,
    });
    const sender = alice.send(image, { fileName: 'pool.bmp', scanOrder: 'interlaced', repairRounds: 20 });
    time.run();
    expect(receiver!.state).toBe('complete');
    expect(sender.state).toBe('complete');
    expect(sameBytes(receiver!.image.pixels, image.pixels)).toBe(true);
    expect(receiver!.manifest.format).toEqual(image.format);
  });
});
