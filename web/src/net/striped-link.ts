/**
 * The packet channel striped over several peer connections: stripe 0 is the first PeerLink's
 * own unreliable channel, stripes 1–7 are further PeerLinks that carry nothing else. Each is its
 * own SCTP association with its own congestion window, which is what lets a sender go faster
 * than one association can on a path with random loss (shared/transfer/stripes.ts says when).
 *
 * Packets are self-describing, so the receiving side does not care which stripe one came on.
 * Over one stripe a send goes straight to its channel. Over several, a packet goes only to a
 * stripe whose buffer is empty, and waits in this link's outbox until one is: Chromium's SCTP
 * (dcSCTP) fills each packet it sends with as many bytes of its queue as the packet and the
 * congestion window have room for, cutting messages wherever that ends, so a queue that holds
 * several 1,150-byte messages goes out as packets that each carry the end of one and the start
 * of the next, and every packet the path drops then loses two messages. Given one message at a
 * time, it sends it whole; messages small enough that two fit one SCTP packet (coded ones, as a
 * rule) go as many as fit. That costs a wait for each stripe to empty per packet, which a distant
 * path's few hundred packets per stripe a second afford; on a near one (one machine, a LAN:
 * round trip under MIN_STRIPE_RTT_MS) a stripe carries thousands, and the waits would halve the
 * rate (a full-HD image under 2 % real loss on one machine took 1.8 s instead of 1.0 s), so there
 * packets go straight to the emptiest stripe. There, too, a stripe that has let nothing go for
 * STALL_MS while another moves no longer counts in what a pass's end waits for: under loss an
 * association can wait out one retransmission timeout after another, holding its buffer for
 * seconds (in traces on one machine under 5 % loss, one held 365 KiB through three transfers),
 * and repair sends what it holds over the others. (On a distant path a stripe holds a packet or
 * two at a time, and the sender's own deadline for the end-of-pass covers one that stalls.)
 * Further stripes are opened only when a sender asks for them; the edge that owns signaling
 * opens them (`openStripe`) and hands them over with {@link add} once they are open.
 */
import { MAX_STRIPES, MIN_STRIPE_RTT_MS, type PacketChannel, type StripeControl } from '../../../shared/transfer/index.ts';

/** What a stripe needs to offer: a PeerLink's packet channel. */
export interface Stripe {
  readonly packets: PacketChannel;
}

/**
 * Bytes of DATA chunks one SCTP packet of Chromium's carries: its largest packet is 1,188 bytes,
 * 12 of them the common header (RFC 9260, section 3).
 */
const SCTP_PACKET_ROOM = 1188 - 12;

/** A message's DATA chunk: a 16-byte header and the message, padded to 4 bytes (RFC 9260, section 3.3.1). */
function chunkBytes(messageBytes: number): number {
  return 16 + Math.ceil(messageBytes / 4) * 4;
}

/** How often a wait for room looks again at the stripes, whatever their events say. */
const RECHECK_MS = 250;
/**
 * On a near path, a stripe whose buffer has held bytes and let none of them go for this long is
 * stalled: its association waits out a retransmission timeout (400 ms or more, backing off to
 * seconds), or is wedged for good. Healthy ones let bytes go every round trip, a few ms there.
 */
export const STALL_MS = 100;
const EMPTY = new Uint8Array(0);

/** What one stripe's buffer has taken and, as far as seen, let go; and when it was last seen to let any go. */
interface Flow {
  handed: number;
  drained: number;
  movedAt: number;
}

export class StripedLink implements PacketChannel, StripeControl {
  /** Open stripes by index; index 0 is always the first link. */
  readonly #stripes: (Stripe | undefined)[];
  readonly #openStripe: (index: number) => void;
  readonly #pathRttMs: () => number | null;
  #wanted = 1;
  #next = 0;
  /** Waits for the buffers to drain; one on a stripe that closes is moved to the others. */
  readonly #waits = new Set<() => void>();
  /** Packets waiting for an empty stripe, oldest first, from `#outboxHead` on. */
  #outbox: Uint8Array[] = [];
  #outboxHead = 0;
  #outboxBytes = 0;
  /** Stripes with a wait for their buffer to empty pending. */
  readonly #armed = new Set<Stripe>();
  #recheckTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #flows = new Map<Stripe, Flow>();
  readonly #now: () => number;

  constructor(first: Stripe, openStripe: (index: number) => void, pathRttMs: () => number | null, now: () => number = () => performance.now()) {
    this.#stripes = [first];
    this.#openStripe = openStripe;
    this.#pathRttMs = pathRttMs;
    this.#now = now;
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
    this.#flush();
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
    this.#flush();
    this.#recheckWaits();
  }

  /** A further stripe closed: packets go over the others. */
  remove(index: number, stripe: Stripe): void {
    if (index <= 0 || this.#stripes[index] !== stripe) return;
    this.#stripes[index] = undefined;
    this.#armed.delete(stripe);
    this.#flows.delete(stripe);
    // A closed channel never fires bufferedamountlow: look again over the stripes left.
    this.#flush();
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

  /** Packets go straight to a stripe: there is one, or the path is near (see the header). */
  #straight(): boolean {
    return this.#wanted <= 1 || this.#near();
  }

  #near(): boolean {
    const rtt = this.#pathRttMs();
    return rtt !== null && rtt < MIN_STRIPE_RTT_MS;
  }

  send(bytes: Uint8Array): void {
    if (this.#straight() && this.#outboxBytes === 0) {
      this.#sendNow(bytes);
      return;
    }
    this.#outbox.push(bytes);
    this.#outboxBytes += bytes.length;
    this.#flush();
  }

  /** On every stripe in use, past the outbox: see PacketChannel.sendEverywhere. */
  sendEverywhere(bytes: Uint8Array): void {
    for (const stripe of this.#inUse()) this.#hand(stripe, bytes);
  }

  /** Over one stripe: to its channel. Round robin otherwise, the emptiest stripe first (a near path). */
  #sendNow(bytes: Uint8Array): void {
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
    this.#hand(best, bytes);
  }

  /** Sends on one stripe, counting what its buffer took. */
  #hand(stripe: Stripe, bytes: Uint8Array): void {
    this.#flowOf(stripe).handed += bytes.length;
    stripe.packets.send(bytes);
  }

  /** The stripe's flow, brought up to date: it moved if its buffer is empty or let bytes go since last looked at. */
  #flowOf(stripe: Stripe): Flow {
    const now = this.#now();
    let flow = this.#flows.get(stripe);
    if (!flow) {
      flow = { handed: stripe.packets.bufferedAmount, drained: 0, movedAt: now };
      this.#flows.set(stripe, flow);
    }
    const drained = flow.handed - stripe.packets.bufferedAmount;
    if (drained > flow.drained || stripe.packets.bufferedAmount === 0) flow.movedAt = now;
    flow.drained = Math.max(flow.drained, drained);
    return flow;
  }

  /** How long until the stripe counts as stalled (0 once it does); Infinity while its buffer is empty. */
  #untilStalled(stripe: Stripe): number {
    if (stripe.packets.bufferedAmount === 0) return Infinity;
    return Math.max(0, this.#flowOf(stripe).movedAt + STALL_MS - this.#now());
  }

  /**
   * Hands the outbox's packets, oldest first, one to each stripe in use whose buffer is empty
   * (round robin); then waits for the next stripe to empty. Back on one stripe (or on a near
   * path), it all goes straight on.
   */
  #flush(): void {
    if (this.#outboxBytes === 0) return;
    const before = this.#outboxBytes;
    const stripes = this.#inUse();
    if (this.#straight()) {
      while (this.#outboxHead < this.#outbox.length) this.#sendNow(this.#take());
    } else {
      for (let turn = 0; turn < stripes.length && this.#outboxHead < this.#outbox.length; turn++) {
        const stripe = stripes[(this.#next + turn) % stripes.length]!;
        if (stripe.packets.bufferedAmount > 0) continue;
        // As many whole messages as one SCTP packet holds: coded packets are small enough for two.
        let room = SCTP_PACKET_ROOM;
        do {
          room -= chunkBytes(this.#outbox[this.#outboxHead]!.length);
          this.#hand(stripe, this.#take());
        } while (this.#outboxHead < this.#outbox.length && chunkBytes(this.#outbox[this.#outboxHead]!.length) <= room);
      }
      this.#next++;
    }
    if (this.#outboxHead === this.#outbox.length) {
      this.#outbox = [];
      this.#outboxHead = 0;
      clearTimeout(this.#recheckTimer);
      this.#recheckTimer = undefined;
    } else {
      for (const stripe of stripes) {
        if (this.#armed.has(stripe)) continue;
        this.#armed.add(stripe);
        stripe.packets.onceBufferedAmountLow(0, () => {
          if (!this.#armed.delete(stripe)) return;
          this.#flush();
        });
      }
      // A stripe whose connection dies quietly never says it has emptied: look again now and then.
      this.#recheckTimer ??= setTimeout(() => {
        this.#recheckTimer = undefined;
        this.#flush();
      }, RECHECK_MS);
    }
    if (this.#outboxBytes < before) this.#recheckWaits();
  }

  #take(): Uint8Array {
    const bytes = this.#outbox[this.#outboxHead]!;
    this.#outbox[this.#outboxHead++] = EMPTY;
    this.#outboxBytes -= bytes.length;
    return bytes;
  }

  /** What the next send waits behind: the outbox, and the least any stripe in use holds. */
  get bufferedAmount(): number {
    let least = Infinity;
    for (const stripe of this.#inUse()) least = Math.min(least, stripe.packets.bufferedAmount);
    return this.#outboxBytes + (least === Infinity ? 0 : least);
  }

  /**
   * What the outbox and every open stripe hold together, but on a near path for stalled stripes
   * (see {@link STALL_MS}) while a stripe in use is not: what they hold may come late or never,
   * and the receipt names it for repair over that one, so a pass's end does not wait for it.
   * With no stripe in use moving there is nowhere better to send it, and everything counts.
   */
  get queuedAmount(): number {
    const canRepair = this.#near() && this.#inUse().some((stripe) => this.#untilStalled(stripe) > 0);
    let total = this.#outboxBytes;
    for (const stripe of this.#stripes) if (stripe && (!canRepair || this.#untilStalled(stripe) > 0)) total += stripe.packets.bufferedAmount;
    return total;
  }

  /**
   * With `threshold` 0, once {@link queuedAmount} is 0 (on a near path a stalled stripe may be left out);
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
    // never fires it: look again now and then, so a wait can never outlive its cause; waiting
    // for all to drain on a near path, also when the first stripe that holds bytes would count
    // as stalled.
    let recheckMs = RECHECK_MS;
    if (threshold === 0 && this.#near()) for (const stripe of this.#stripes) if (stripe) recheckMs = Math.min(recheckMs, this.#untilStalled(stripe) + 1);
    setTimeout(again, recheckMs);
    const watched = threshold === 0 ? this.#stripes : this.#inUse();
    for (const stripe of watched) {
      if (stripe && stripe.packets.bufferedAmount > threshold) stripe.packets.onceBufferedAmountLow(threshold, again);
    }
  }
}
