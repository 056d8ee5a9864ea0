/** StripedLink over fake stripes whose buffers the test fills and drains by hand. */
import { describe, expect, it, vi } from 'vitest';
import { StripedLink, type Stripe } from '../../../web/src/net/striped-link.ts';

/** A stripe whose buffer holds what was sent until drain() takes some out, firing bufferedamountlow as a channel does. */
function fakeStripe() {
  const sent: Uint8Array[] = [];
  let buffered = 0;
  let waiters: { threshold: number; callback: () => void }[] = [];
  const stripe = {
    sent,
    packets: {
      send: (bytes: Uint8Array) => {
        sent.push(bytes);
        buffered += bytes.length;
      },
      get bufferedAmount() {
        return buffered;
      },
      onceBufferedAmountLow: (threshold: number, callback: () => void) => void waiters.push({ threshold, callback }),
    },
    drain(bytes: number) {
      buffered = Math.max(0, buffered - bytes);
      const due = waiters.filter((w) => buffered <= w.threshold);
      waiters = waiters.filter((w) => buffered > w.threshold);
      for (const w of due) w.callback();
    },
  };
  return stripe satisfies Stripe;
}

const packet = new Uint8Array(1000);
const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('StripedLink', () => {
  it('sends on the first stripe alone until more are used, and opens the ones asked for', () => {
    const first = fakeStripe();
    const open = vi.fn();
    const link = new StripedLink(first, open, () => 44);
    link.send(packet);
    expect(first.sent).toHaveLength(1);
    link.use(3);
    expect(open.mock.calls).toEqual([[1], [2]]);
    expect(link.count).toBe(3);
    expect(link.active).toBe(1);
    expect(link.pathRttMs()).toBe(44);
  });

  it('spreads packets over the open stripes in use, the emptiest first', () => {
    const stripes = [fakeStripe(), fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => null);
    link.add(1, stripes[1]!);
    link.add(2, stripes[2]!);
    link.use(3);
    expect(link.active).toBe(3);
    for (let i = 0; i < 30; i++) link.send(packet);
    expect(stripes.map((s) => s.sent.length)).toEqual([10, 10, 10]);
    // One stripe stalls (its association is backing off): the others take the packets.
    stripes[0]!.drain(Infinity);
    stripes[2]!.drain(Infinity);
    for (let i = 0; i < 16; i++) link.send(packet);
    expect(stripes[1]!.sent).toHaveLength(10);
    expect(stripes[0]!.sent.length + stripes[2]!.sent.length).toBe(36);
    // What the emptiest in use holds, and what all hold together.
    const amounts = stripes.map((s) => s.packets.bufferedAmount);
    expect(link.bufferedAmount).toBe(Math.min(...amounts));
    expect(link.bufferedAmount).toBeLessThanOrEqual(8_000);
    expect(link.queuedAmount).toBe(26_000);
  });

  it('wakes a sender waiting for room when any stripe in use drains, or a new one opens', async () => {
    const first = fakeStripe();
    const second = fakeStripe();
    const link = new StripedLink(first, () => {}, () => null);
    link.use(2);
    for (let i = 0; i < 5; i++) link.send(packet);
    const woken = vi.fn();
    link.onceBufferedAmountLow(1000, woken);
    await flush();
    expect(woken).not.toHaveBeenCalled();
    link.add(1, second);
    await flush();
    expect(woken).toHaveBeenCalledTimes(1);
  });

  it('with threshold 0 waits until every stripe has drained, and a closed stripe stops counting', async () => {
    const first = fakeStripe();
    const second = fakeStripe();
    const link = new StripedLink(first, () => {}, () => null);
    link.add(1, second);
    link.use(2);
    for (let i = 0; i < 4; i++) link.send(packet);
    const drained = vi.fn();
    link.onceBufferedAmountLow(0, drained);
    first.drain(Infinity);
    await flush();
    expect(drained).not.toHaveBeenCalled();
    link.remove(1, second);
    await flush();
    expect(drained).toHaveBeenCalledTimes(1);
    expect(link.active).toBe(1);
  });
});
