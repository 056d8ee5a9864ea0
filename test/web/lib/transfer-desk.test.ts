import { describe, expect, it } from 'vitest';
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { crc32 } from '../../../shared/protocol/index.ts';
import type { Scheduler } from '../../../shared/transfer/index.ts';
import { createMemoryControlLink, createMemoryPacketLink } from '../../doubles/memory-link.ts';
import { ReceiveDisplay } from '../../../web/src/lib/receive-display.svelte.ts';
import { SendOptions } from '../../../web/src/lib/send-options.svelte.ts';
import { TransferDesk } from '../../../web/src/lib/transfer-desk.svelte.ts';
import type { LinkInbox } from '../../../web/src/net/peer-link.ts';

const schedule: Scheduler = (callback, ms) => {
  const id = setTimeout(callback, ms);
  return () => clearTimeout(id);
};
const now = () => performance.now();

/** Two desks joined by in-memory channels, as two browsers are by a PeerLink: each desk names its inbox. */
function pair() {
  const alice = new TransferDesk(new ReceiveDisplay());
  const bob = new TransferDesk(new ReceiveDisplay());
  const inboxes = new Map<TransferDesk, LinkInbox>();
  const link = (from: TransferDesk, to: TransferDesk) => ({
    control: createMemoryControlLink(schedule, (bytes) => inboxes.get(to)?.receiveControl(bytes)),
    packets: createMemoryPacketLink({ now, schedule }, (bytes) => inboxes.get(to)?.receivePacket(bytes)),
    deliverTo: (inbox: LinkInbox) => void inboxes.set(from, inbox),
  });
  alice.onLinkOpen(link(alice, bob));
  bob.onLinkOpen(link(bob, alice));
  return { alice, bob };
}

// 200×120 gradient, 24-bit: 63 packets, so 30 % loss drops some (the seed is random; P(none) < 1e-9)
function gradient(): NativeImage {
  const width = 200;
  const height = 120;
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 0xff;
  return { width, height, format: { kind: 'bgr', bitsPerPixel: 24 }, pixels };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('TransferDesk', () => {
  it('shows the same finished transfer on both sides, with the simulated loss repaired', async () => {
    const { alice, bob } = pair();
    const options = new SendOptions();
    options.lossPercent = 30;
    const image = gradient();
    alice.send(image, 'gradient.bmp', options);
    expect(alice.sending).toBe(true);
    await until(() => bob.current?.phase === 'complete' && alice.current?.phase === 'complete');
    const sent = alice.current!;
    const received = bob.current!;
    expect(received).toMatchObject({ direction: 'incoming', fileName: 'gradient.bmp', width: 200, height: 120 });
    expect(sent.direction).toBe('outgoing');
    expect(received.stats.received).toBe(received.stats.expected);
    expect(received.stats.lostBySimulation).toBeGreaterThan(0);
    expect(sent.stats.sent).toBe(received.stats.sent);
    expect(alice.sending).toBe(false);
    expect(alice.history).toHaveLength(1);
    expect(bob.history).toHaveLength(1);
  });

  it('with the CRC from the image choice, the first packets go out with Send itself', async () => {
    const { alice, bob } = pair();
    const image = gradient();
    alice.send(image, 'other.bmp', new SendOptions());
    expect(alice.current!.stats.sent).toBe(0);
    await until(() => bob.current?.phase === 'complete');
    alice.send(image, 'gradient.bmp', new SendOptions(), crc32(image.pixels));
    expect(alice.current!.stats.sent).toBeGreaterThan(0);
    await until(() => bob.current?.fileName === 'gradient.bmp' && bob.current.phase === 'complete');
    expect(bob.current!.stats.received).toBe(bob.current!.stats.expected);
  });

  it('ends an unfinished transfer as interrupted when the link closes, and lists both in the history', async () => {
    const { alice, bob } = pair();
    const options = new SendOptions();
    options.repair = false;
    alice.send(gradient(), 'first.bmp', options);
    await until(() => bob.current?.phase === 'complete');
    options.rateLimit = 0.01;
    alice.send(gradient(), 'second.bmp', options);
    await until(() => bob.current?.fileName === 'second.bmp');
    bob.onLinkClosed();
    expect(bob.current?.phase).toBe('interrupted');
    expect(bob.history.map((view) => view.fileName)).toEqual(['second.bmp', 'first.bmp']);
    alice.dispose();
    bob.dispose();
  });
});
