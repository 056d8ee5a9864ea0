/**
 * The further peer connections (stripes 1–7) of a striped packet channel, to one remote peer.
 * Either side may open stripe k (its sender asked for k + 1 stripes); both sides then use it.
 * When both offer stripe k at once, the side that initiated the first connection keeps its own
 * offer and the other side gives way and answers it. The initiating side also opens them ahead
 * of any sender once the first connection's round trip shows a distant path.
 */
import type { LinkIndex, PeerIceConfig, SignalData } from '../../../shared/events.ts';
import { MAX_STRIPES, chooseStripes } from '../../../shared/transfer/index.ts';
import { PeerLink, type LinkInbox } from './peer-link.ts';
import { StripedLink, type Stripe } from './striped-link.ts';

export interface StripeConnectionsOptions {
  /** The first connection: its channel is stripe 0, and its initiator wins a tie. */
  readonly first: Stripe;
  readonly initiatorOfFirst: boolean;
  readonly ice: PeerIceConfig;
  readonly sendSignal: (data: SignalData, link: LinkIndex) => void;
  /** Round trip of the first connection, from its stats. */
  readonly pathRttMs: () => number | null;
  /** Stripes opened or closed. */
  readonly onChange?: () => void;
}

interface Entry {
  readonly link: PeerLink;
  readonly initiator: boolean;
}

/**
 * How long after the first connection opens its round trip is looked at; the browser has
 * measured it by then (ICE consent checks run about once a second).
 */
const PREPARE_AFTER_MS = 1_000;

export class StripeConnections {
  readonly striped: StripedLink;
  readonly #options: StripeConnectionsOptions;
  readonly #links = new Map<number, Entry>();
  #inbox: LinkInbox | null = null;
  #closed = false;
  #prepareTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: StripeConnectionsOptions) {
    this.#options = options;
    this.striped = new StripedLink(options.first, (index) => this.#open(index, true), options.pathRttMs);
    // On a distant path a sender starts striped (the loss it assumes until measured calls for
    // it): open the connections now, so that the first image does not wait for them. The side
    // that initiated the first connection does it, so that the two do not offer at once.
    if (options.initiatorOfFirst) this.#prepareTimer = setTimeout(() => this.#prepare(), PREPARE_AFTER_MS);
  }

  #prepare(): void {
    const rttMs = this.#options.pathRttMs();
    if (this.#closed || rttMs === null) return;
    this.striped.prepare(chooseStripes({ rttMs, lossFraction: null, current: 1 }));
  }

  /** A signal for stripe `index` (1–7) from the remote peer. */
  signal(index: number, data: SignalData): void {
    if (this.#closed || !Number.isInteger(index) || index < 1 || index >= MAX_STRIPES) return;
    const entry = this.#links.get(index);
    if (data.type === 'offer') {
      // The side that initiated the first connection keeps whatever stripe k it has (its own
      // offer, or one it answered): an offer crossing it is the other side's glare. The other
      // side always gives way, so both end up with the same connection.
      if (entry && this.#options.initiatorOfFirst) return;
      this.#open(index, false).signal(data);
      return;
    }
    entry?.link.signal(data);
  }

  /** Packets of every stripe, open now or later, go to `inbox`. */
  deliverTo(inbox: LinkInbox): void {
    this.#inbox = inbox;
    for (const { link } of this.#links.values()) link.deliverTo(inbox);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#prepareTimer);
    for (const { link } of this.#links.values()) link.close();
    this.#links.clear();
  }

  #open(index: number, initiator: boolean): PeerLink {
    const existing = this.#links.get(index);
    if (existing && initiator) return existing.link;
    if (existing) {
      existing.link.close();
      this.striped.remove(index, existing.link);
    }
    const link: PeerLink = new PeerLink(
      initiator,
      this.#options.ice,
      {
        onSignal: (data) => this.#options.sendSignal(data, index),
        onOpen: () => this.#onOpen(index, link),
        onStalled: () => {},
        onClose: () => this.#onClose(index, link),
      },
      { control: false, trickle: false },
    );
    if (this.#inbox) link.deliverTo(this.#inbox);
    this.#links.set(index, { link, initiator });
    return link;
  }

  #onOpen(index: number, link: PeerLink): void {
    if (this.#links.get(index)?.link !== link) return;
    this.striped.add(index, link);
    this.#options.onChange?.();
  }

  #onClose(index: number, link: PeerLink): void {
    this.striped.remove(index, link);
    if (this.#links.get(index)?.link === link) this.#links.delete(index);
    this.#options.onChange?.();
  }
}
