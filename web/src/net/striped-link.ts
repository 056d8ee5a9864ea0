/**
 * The packet channel striped over several peer connections: stripe 0 is the first PeerLink's
 * own unreliable channel, stripes 1–7 are further PeerLinks that carry nothing else. Each is its
 * own SCTP association with its own congestion window, which is what lets a sender go faster
 * than one association can on a path with random loss (shared/transfer/stripes.ts says when).
 *
 * Packets are self-describing, so the receiving side does not care which stripe one came on.
 * A send goes to the stripe in use with the least waiting in its buffer. Further stripes are
 * opened only when a sender asks for them; the edge that owns signaling opens them
 * (`openStripe`) and hands them over with {@link add} once they are open.
 */
import { MAX_STRIPES, type PacketChannel, type StripeControl } from '../../../shared/transfer/index.ts';

/** What a stripe needs to offer: a PeerLink's packet channel. */
export interface Stripe {
  readonly packets: PacketChannel;
}

/** How often a wait for room looks again at the stripes, whatever their events say. */
const RECHECK_MS = 250;

export class StripedLink implements PacketChannel, StripeControl {
  /** Open stripes by index; index 0 is always the first link. */
  readonly #stripes: (Stripe | undefined)[];
  readonly #openStripe: (index: number) => void;
  readonly #pathRttMs: () => number | null;
  #wanted = 1;
  #next = 0;
  /** Waits for the buffers to drain; one on a stripe that closes is moved to the others. */
  readonly #waits = new Set<() => void>();

  constructor(first: Stripe, openStripe: (index: number) => void, pathRttMs: () => number | null) {
    this.#stripes = [first];
    this.#openStripe = openStripe;
    this.#pathRttMs = pathRttMs;
  }

  get count(): number {
    return this.#wanted;
  }

  get active(): number {
    return this.#inUse().length;
  }

  /** Stripes open, whether in use or not (the other side's sender may have asked for them). */
  get open(): number {
    return this.#stripes.filter((s) => s !== undefined).length;
  }

  use(count: number): void {
    this.#wanted = Math.min(MAX_STRIPES, Math.max(1, Math.floor(count)));
    this.prepare(this.#wanted);
    this.#recheckWaits();
  }

  /** Opens stripes up to `count` without using them yet, so a later use() finds them ready. */
  prepare(count: number): void {
    for (let index = 1; index < Math.min(MAX_STRIPES, count); index++) if (!this.#stripes[index]) this.#openStripe(index);
  }

  pathRttMs(): number | null {
    return this.#pathRttMs();
  }

  /** A further stripe is open (opened by either side). */
  add(index: number, stripe: Stripe): void {
    if (index < 1 || index >= MAX_STRIPES) throw new RangeError(`stripe index must be 1–${MAX_STRIPES - 1}, got ${index}`);
    this.#stripes[index] = stripe;
    // An empty stripe has room: a sender waiting for the others to drain can go on here.
    this.#recheckWaits();
  }

  /** A further stripe closed: packets go over the others. */
  remove(index: number, stripe: Stripe): void {
    if (index <= 0 || this.#stripes[index] !== stripe) return;
    this.#stripes[index] = undefined;
    // A closed channel never fires bufferedamountlow: look again over the stripes left.
    this.#recheckWaits();
  }

  #recheckWaits(): void {
    for (const wait of [...this.#waits]) wait();
  }

  #inUse(): Stripe[] {
    const stripes: Stripe[] = [];
    for (let index = 0; index < this.#wanted; index++) {
      const stripe = this.#stripes[index];
      if (stripe) stripes.push(stripe);
    }
    return stripes;
  }

  send(bytes: Uint8Array): void {
    const stripes = this.#inUse();
    // Round robin, moving on from any stripe holding more than the least-loaded one plus a
    // packet: an association that a loss has slowed down gets fewer packets.
    let best = stripes[this.#next % stripes.length]!;
    let least = best.packets.bufferedAmount;
    for (const stripe of stripes) {
      const amount = stripe.packets.bufferedAmount;
      if (amount + bytes.length < least) {
        best = stripe;
        least = amount;
      }
    }
    this.#next++;
    best.packets.send(bytes);
  }

  /** What the stripe the next send goes to holds: the least among those in use. */
  get bufferedAmount(): number {
    let least = Infinity;
    for (const stripe of this.#inUse()) least = Math.min(least, stripe.packets.bufferedAmount);
    return least === Infinity ? 0 : least;
  }

  /** What every open stripe holds together. */
  get queuedAmount(): number {
    let total = 0;
    for (const stripe of this.#stripes) if (stripe) total += stripe.packets.bufferedAmount;
    return total;
  }

  /**
   * With `threshold` 0, once every stripe has drained (nothing sent is still queued anywhere);
   * otherwise once any stripe in use holds `threshold` or less, so the sender can go on there.
   */
  onceBufferedAmountLow(threshold: number, callback: () => void): void {
    const drained = threshold === 0 ? this.queuedAmount === 0 : this.bufferedAmount <= threshold;
    if (drained) {
      queueMicrotask(callback);
      return;
    }
    let fired = false;
    const again = (): void => {
      if (fired || !this.#waits.delete(again)) return;
      fired = true;
      this.onceBufferedAmountLow(threshold, callback);
    };
    this.#waits.add(again);
    // bufferedamountlow fires only on a crossing, and a stripe whose connection dies quietly
    // never fires it: look again now and then, so a wait can never outlive its cause.
    setTimeout(again, RECHECK_MS);
    const watched = threshold === 0 ? this.#stripes : this.#inUse();
    for (const stripe of watched) {
      if (stripe && stripe.packets.bufferedAmount > threshold) stripe.packets.onceBufferedAmountLow(threshold, again);
    }
  }
}
