/** StripedLink over fake stripes whose buffers the test fills and drains by hand. */
import { describe, expect, it, vi } from 'vitest';
import { STALL_MS, StripedLink, type Stripe } from '../../../web/src/net/striped-link.ts';

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
    /** Empties the buffer without firing bufferedamountlow, as a dying connection's channel may. */
    drainQuietly() {
      buffered = 0;
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

  it('over several stripes, hands a stripe a packet only when its buffer is empty, oldest first', () => {
    const stripes = [fakeStripe(), fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => null);
    link.add(1, stripes[1]!);
    link.add(2, stripes[2]!);
    link.use(3);
    expect(link.active).toBe(3);
    const packets = Array.from({ length: 30 }, (_, i) => new Uint8Array(1000).fill(i));
    for (const p of packets) link.send(p);
    // One each; the rest wait in the link, not behind a packet in a stripe's SCTP queue.
    expect(stripes.map((s) => s.sent.length)).toEqual([1, 1, 1]);
    expect(link.queuedAmount).toBe(30_000);
    expect(link.bufferedAmount).toBe(27_000 + 1000);
    // One stripe stalls (its association is backing off): the others take the packets as they empty.
    for (let turn = 0; turn < 40; turn++) {
      stripes[0]!.drain(Infinity);
      stripes[2]!.drain(Infinity);
    }
    expect(stripes[1]!.sent).toHaveLength(1);
    expect(stripes[0]!.sent.length + stripes[2]!.sent.length).toBe(29);
    expect(link.queuedAmount).toBe(1000);
    // Every packet went out once, and each stripe got its share in the order they were sent.
    const order = (sent: Uint8Array[]) => sent.map((p) => p[0]!);
    expect([...order(stripes[0]!.sent), ...order(stripes[1]!.sent), ...order(stripes[2]!.sent)].sort((a, b) => a - b)).toEqual(packets.map((_, i) => i));
    for (const stripe of stripes) expect(order(stripe.sent)).toEqual([...order(stripe.sent)].sort((a, b) => a - b));
  });

  it('hands an empty stripe as many small messages as one SCTP packet holds whole, and a full-size one alone', () => {
    const stripes = [fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => 40);
    link.add(1, stripes[1]!);
    link.use(2);
    // Coded packets: a 16-byte chunk header each, padded to 4; two of 450 bytes fit 1,176, three do not.
    // The first two find the stripes empty; the other four wait until one empties.
    for (let i = 0; i < 6; i++) link.send(new Uint8Array(450).fill(i));
    expect(stripes.map((s) => s.sent.map((p) => p[0]))).toEqual([[0], [1]]);
    stripes[1]!.drain(Infinity);
    expect(stripes[1]!.sent.map((p) => p[0])).toEqual([1, 2, 3]);
    stripes[0]!.drain(Infinity);
    expect(stripes[0]!.sent.map((p) => p[0])).toEqual([0, 4, 5]);
    // A plain packet of 1,150 bytes fills an SCTP packet alone: a small one behind it waits.
    link.send(new Uint8Array(1150).fill(6));
    link.send(new Uint8Array(400).fill(7));
    stripes[1]!.drain(Infinity);
    expect(stripes[1]!.sent.slice(3).map((p) => [p[0], p.length])).toEqual([[6, 1150]]);
    stripes[0]!.drain(Infinity);
    expect(stripes[0]!.sent.slice(3).map((p) => [p[0], p.length])).toEqual([[7, 400]]);
  });

  it('on a near path sends straight on over several stripes, the emptiest first', () => {
    const stripes = [fakeStripe(), fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => 1);
    link.add(1, stripes[1]!);
    link.add(2, stripes[2]!);
    link.use(3);
    for (let i = 0; i < 30; i++) link.send(new Uint8Array(1000).fill(i));
    // Nothing waits in the link: every packet is in a stripe's queue, spread over the three.
    expect(stripes.map((s) => s.sent.length)).toEqual([10, 10, 10]);
    expect(link.queuedAmount).toBe(30_000);
  });

  it('over one stripe sends straight on, and going back to one hands it whatever waits', () => {
    const stripes = [fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => null);
    for (let i = 0; i < 5; i++) link.send(packet);
    expect(stripes[0]!.sent).toHaveLength(5);
    link.add(1, stripes[1]!);
    link.use(2);
    for (let i = 0; i < 5; i++) link.send(packet);
    expect(stripes[1]!.sent).toHaveLength(1);
    expect(link.queuedAmount).toBe(10_000);
    link.use(1);
    expect(stripes[0]!.sent).toHaveLength(9);
    expect(link.queuedAmount).toBe(10_000);
    expect(link.bufferedAmount).toBe(9_000);
  });

  it('moves on to a stripe that emptied without saying so', () => {
    vi.useFakeTimers();
    try {
      const stripes = [fakeStripe(), fakeStripe()];
      const link = new StripedLink(stripes[0]!, () => {}, () => null);
      link.add(1, stripes[1]!);
      link.use(2);
      for (let i = 0; i < 4; i++) link.send(packet);
      expect(stripes.map((s) => s.sent.length)).toEqual([1, 1]);
      stripes[1]!.drainQuietly();
      vi.advanceTimersByTime(1_000);
      expect(stripes[1]!.sent).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('wakes a sender waiting for room when any stripe in use drains, or a new one opens', async () => {
    const first = fakeStripe();
    const second = fakeStripe();
    const link = new StripedLink(first, () => {}, () => null);
    link.use(2);
    // One goes to the first stripe, one waits for an empty one.
    for (let i = 0; i < 2; i++) link.send(packet);
    const woken = vi.fn();
    link.onceBufferedAmountLow(1000, woken);
    await flush();
    expect(woken).not.toHaveBeenCalled();
    link.add(1, second);
    await flush();
    expect(woken).toHaveBeenCalledTimes(1);
  });

  it('with threshold 0 waits until every stripe and the outbox have drained, and a closed stripe stops counting', async () => {
    const first = fakeStripe();
    const second = fakeStripe();
    const link = new StripedLink(first, () => {}, () => null);
    link.add(1, second);
    link.use(2);
    for (let i = 0; i < 4; i++) link.send(packet);
    const drained = vi.fn();
    link.onceBufferedAmountLow(0, drained);
    first.drain(Infinity);
    first.drain(Infinity);
    await flush();
    expect(first.sent).toHaveLength(3);
    expect(drained).not.toHaveBeenCalled();
    first.drain(Infinity);
    await flush();
    expect(drained).not.toHaveBeenCalled();
    link.remove(1, second);
    await flush();
    expect(drained).toHaveBeenCalledTimes(1);
    expect(link.active).toBe(1);
  });

  it('leaves a stalled stripe out of what waits to drain: once it has let nothing go for STALL_MS, a wait for all ends without it', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const stripes = [fakeStripe(), fakeStripe(), fakeStripe()];
      const link = new StripedLink(stripes[0]!, () => {}, () => 1, () => Date.now());
      link.add(1, stripes[1]!);
      link.add(2, stripes[2]!);
      link.use(3);
      for (let i = 0; i < 30; i++) link.send(packet);
      expect(link.queuedAmount).toBe(30_000);
      const drained = vi.fn();
      link.onceBufferedAmountLow(0, drained);
      // Two stripes drain; the third lets one packet go, then nothing more.
      await vi.advanceTimersByTimeAsync(10);
      stripes[2]!.drain(1000);
      stripes[0]!.drain(Infinity);
      stripes[1]!.drain(Infinity);
      await vi.advanceTimersByTimeAsync(0);
      expect(drained).not.toHaveBeenCalled();
      expect(link.queuedAmount).toBe(9_000);
      // Still short of STALL_MS since it last let bytes go: its bytes are still waited for.
      await vi.advanceTimersByTimeAsync(STALL_MS - 1);
      expect(drained).not.toHaveBeenCalled();
      expect(link.queuedAmount).toBe(9_000);
      // Then the wait ends by itself, with no event from any stripe.
      await vi.advanceTimersByTimeAsync(2);
      expect(drained).toHaveBeenCalledTimes(1);
      expect(link.queuedAmount).toBe(0);
      // Once it lets bytes go again it counts again.
      stripes[2]!.drain(1000);
      expect(link.queuedAmount).toBe(8_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits for a stalled stripe when no stripe in use moves: one association, or all of them stalled', () => {
    let now = 0;
    const stripes = [fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => 1, () => now);
    link.send(packet);
    now = 10 * STALL_MS;
    expect(link.queuedAmount).toBe(1_000);
    link.add(1, stripes[1]!);
    link.use(2);
    // The new stripe is empty: repair can go there, so the stalled one stops counting.
    expect(link.queuedAmount).toBe(0);
    link.send(packet);
    expect(stripes[1]!.sent).toHaveLength(1);
    expect(link.queuedAmount).toBe(1_000);
    // Both stalled: both count.
    now = 20 * STALL_MS;
    expect(link.queuedAmount).toBe(2_000);
  });

  it('sends a message everywhere: on every stripe in use at once, past the packets waiting in the outbox', () => {
    const stripes = [fakeStripe(), fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => 40);
    link.add(1, stripes[1]!);
    link.add(2, stripes[2]!);
    link.use(2);
    for (let i = 0; i < 4; i++) link.send(packet);
    expect(stripes.map((s) => s.sent.length)).toEqual([1, 1, 0]);
    const copy = new Uint8Array(20).fill(7);
    link.sendEverywhere(copy);
    expect(stripes.map((s) => s.sent.at(-1))).toEqual([copy, copy, undefined]);
    expect(link.queuedAmount).toBe(4_040);
  });

  it('on a distant path keeps waiting for a stalled stripe: a stripe holds a packet or two there, and the sender has its own deadline', () => {
    let now = 0;
    const stripes = [fakeStripe(), fakeStripe()];
    const link = new StripedLink(stripes[0]!, () => {}, () => 40, () => now);
    link.add(1, stripes[1]!);
    link.use(2);
    link.send(packet);
    link.send(packet);
    stripes[0]!.drain(Infinity);
    now = 100 * STALL_MS;
    expect(link.queuedAmount).toBe(1_000);
  });
});
