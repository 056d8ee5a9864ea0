/**
 * One person's presence in a room: joins through the signaling server, keeps one PeerLink to
 * the other person and rebuilds it when needed.
 *
 * Who initiates: the newcomer (its join ack lists the peer already there); after a failed
 * link, the side that initiated it tries again. A signaling hiccup alone leaves an open link
 * alone: the socket reconnects, joins again, and the data channels never noticed.
 *
 * Once the link is open its packet channel may be striped over further connections to the
 * same person (StripeConnections); their signals carry a `link` index 1–7.
 */
import type { LinkIndex, PeerIceConfig, PeerId, SignalData } from '../../../shared/events.ts';
import type { ControlChannel, PacketChannel, StripeControl } from '../../../shared/transfer/index.ts';
import { PeerLink, type LinkInbox } from '../net/peer-link.ts';
import { StripeConnections } from '../net/stripe-connections.ts';
import { SignalingClient, SignalingRequestError, type SignalingFailure } from '../net/signaling-client.ts';
import { LinkInfo } from './link-info.svelte.ts';

export type PeerStatus = 'joining' | 'waiting' | 'connecting' | 'connected' | 'full' | 'failed';

/**
 * What the transfer side hears of the link; called only for the current link. What the peer
 * sends does not pass through here: the listener names its inbox with `link.deliverTo`.
 */
export interface LinkListener {
  onLinkOpen(link: OpenLink): void;
  onLinkClosed(): void;
}

/** An open link as the transfers use it: its control channel and its (striped) packet channel. */
export interface OpenLink {
  readonly control: ControlChannel;
  readonly packets: PacketChannel;
  /** How many stripes the sender uses, and how many are open. */
  readonly stripes: StripeControl & { readonly open: number };
  /** Messages the first connection refused before the engine saw them (PeerLink.refusedMessages). */
  readonly refusedMessages: number;
  /** From now on what the peer sends, on every stripe, goes to `inbox`. */
  deliverTo(inbox: LinkInbox): void;
}

const RETRY_MS = 1_500;
/** Connecting longer than this usually means no usable network path: the page says what to check. */
const SLOW_CONNECT_MS = 15_000;
/**
 * After a hiccup our old socket may still hold a seat in the room until the server notices,
 * which socket.io's heartbeat (25 s interval + 20 s timeout) can take up to 45 s to do.
 */
const REJOIN_ATTEMPTS = 40;

export class RoomSession {
  status = $state<PeerStatus>('joining');
  failure = $state<SignalingFailure | 'CONNECTION_FAILED' | null>(null);
  /** Still connecting after {@link SLOW_CONNECT_MS}. */
  slow = $state(false);
  readonly info = new LinkInfo();

  readonly #roomId: string;
  readonly #listener: LinkListener;
  readonly #signaling: SignalingClient;
  #ice: PeerIceConfig = { iceServers: [], iceTransportPolicy: 'all' };
  #link: PeerLink | null = null;
  #stripes: StripeConnections | null = null;
  #remoteId: PeerId | null = null;
  #initiator = false;
  #joinedOnce = false;
  #rejoinAttempts = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #slowTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  readonly #onPageHide = (): void => this.dispose();

  constructor(roomId: string, listener: LinkListener) {
    this.#roomId = roomId;
    this.#listener = listener;
    this.#signaling = new SignalingClient({
      onConnect: () => void this.#join(),
      onDisconnect: () => this.#onSignalingLost(),
      onSignal: (from, data, link) => this.#onSignal(from, data, link),
      onPeerJoined: (peerId) => this.#onPeerJoined(peerId),
      onPeerLeft: (peerId) => this.#onPeerLeft(peerId),
      onRoomClosed: (code) => this.#onRoomClosed(code),
    });
    // Closing the connection on the way out tells the other side at once instead of after a timeout.
    window.addEventListener('pagehide', this.#onPageHide);
  }

  dispose(): void {
    this.#disposed = true;
    window.removeEventListener('pagehide', this.#onPageHide);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#slowTimer);
    this.#dropLink();
    this.#signaling.close();
  }

  async #join(): Promise<void> {
    try {
      const joined = await this.#signaling.join(this.#roomId);
      if (this.#disposed) return;
      this.#joinedOnce = true;
      this.#rejoinAttempts = 0;
      this.failure = null;
      this.#ice = { iceServers: joined.iceServers, iceTransportPolicy: joined.iceTransportPolicy };
      const other = joined.peers[0];
      if (this.#link?.open) {
        if (other) this.#remoteId = other;
        return;
      }
      if (other) this.#connect(other, true);
      else this.#setStatus('waiting');
    } catch (err) {
      this.#onJoinFailed(err);
    }
  }

  #onJoinFailed(err: unknown): void {
    if (this.#disposed) return;
    const code = err instanceof SignalingRequestError ? err.code : 'SERVER_UNREACHABLE';
    if (code === 'ROOM_FULL' && this.#joinedOnce && this.#rejoinAttempts++ < REJOIN_ATTEMPTS) {
      this.#retryTimer = setTimeout(() => void this.#join(), RETRY_MS);
      return;
    }
    if (this.#link?.open) return;
    this.failure = code;
    this.#setStatus(code === 'ROOM_FULL' ? 'full' : 'failed');
  }

  #connect(remoteId: PeerId, initiator: boolean): void {
    this.#dropLink();
    this.#remoteId = remoteId;
    this.#initiator = initiator;
    this.#setStatus('connecting');
    const link: PeerLink = new PeerLink(initiator, this.#ice, {
      onSignal: (data) => this.#sendSignal(remoteId, data),
      onOpen: () => this.#onLinkOpen(link),
      onStalled: () => this.#onLinkStalled(link),
      onClose: (failure) => this.#onLinkClosed(link, failure !== undefined),
    });
    this.#link = link;
  }

  #sendSignal(to: PeerId, data: SignalData, link: LinkIndex = 0): void {
    this.#signaling.signal(to, data, link).catch((err: unknown) => {
      // The peer left between its offer and our answer: peer:left follows and resets us.
      if (err instanceof SignalingRequestError && err.code === 'NOT_IN_ROOM') return;
      // A further stripe is optional: the first link carries on without it.
      if (link !== 0) return;
      this.#dropLink();
      this.#onJoinFailed(err);
    });
  }

  #onLinkOpen(link: PeerLink): void {
    if (link !== this.#link) return;
    this.failure = null;
    this.#setStatus('connected');
    if (link.connection) this.info.start(link.connection, link.verification);
    const remoteId = this.#remoteId;
    const stripes = new StripeConnections({
      first: link,
      initiatorOfFirst: this.#initiator,
      ice: this.#ice,
      sendSignal: (data, index) => {
        if (remoteId) this.#sendSignal(remoteId, data, index);
      },
      pathRttMs: () => this.info.lowestRttMs,
    });
    this.#stripes = stripes;
    this.#listener.onLinkOpen({
      control: link.control,
      packets: stripes.striped,
      stripes: stripes.striped,
      get refusedMessages() {
        return link.refusedMessages;
      },
      deliverTo(inbox) {
        link.deliverTo(inbox);
        stripes.deliverTo(inbox);
      },
    });
  }

  #onLinkClosed(link: PeerLink, failed: boolean): void {
    if (link !== this.#link) return;
    this.#dropLink();
    if (this.#disposed) return;
    if (failed) this.failure = 'CONNECTION_FAILED';
    const remoteId = this.#remoteId;
    if (remoteId && this.#initiator && this.#signaling.connected) {
      this.#setStatus('connecting');
      this.#retryTimer = setTimeout(() => {
        if (!this.#link && this.#remoteId === remoteId) this.#connect(remoteId, true);
      }, RETRY_MS);
    } else {
      this.#setStatus(remoteId ? 'connecting' : 'waiting');
    }
  }

  /** Lost contact after the other person left signaling too: they are gone, not hiccuping. */
  #onLinkStalled(link: PeerLink): void {
    if (link === this.#link && this.#remoteId === null) this.#onLinkClosed(link, false);
  }

  #onSignal(from: PeerId, data: SignalData, link: LinkIndex = 0): void {
    if (link !== 0) {
      if (from === this.#remoteId) this.#stripes?.signal(link, data);
      return;
    }
    if (this.#link && from === this.#remoteId) {
      this.#link.signal(data);
      return;
    }
    // A fresh offer from someone new (or from the same person after a reload) replaces the link.
    if (data.type === 'offer') {
      this.#connect(from, false);
      this.#link?.signal(data);
    }
  }

  #onPeerJoined(peerId: PeerId): void {
    this.#remoteId = peerId;
    if (!this.#link?.open) this.#setStatus('connecting');
  }

  #onPeerLeft(peerId: PeerId): void {
    if (peerId !== this.#remoteId) return;
    this.#remoteId = null;
    // An open link outlives a signaling hiccup on the other side; it ends when it closes or
    // stalls (a closed tab may not say goodbye; ICE consent checks notice within seconds).
    if (this.#link?.open && !this.#link.stalled) return;
    this.#dropLink();
    this.#setStatus('waiting');
  }

  /** The server gave up on the room; it will not reconnect us, so the page says why and stays put. */
  #onRoomClosed(code: SignalingFailure): void {
    if (this.#link?.open) return;
    this.#dropLink();
    this.failure = code;
    this.#setStatus('failed');
  }

  #onSignalingLost(): void {
    if (!this.#link?.open && this.status !== 'full' && this.status !== 'failed') this.#setStatus('joining');
  }

  #dropLink(): void {
    clearTimeout(this.#retryTimer);
    const link = this.#link;
    if (!link) return;
    this.#link = null;
    this.#stripes?.close();
    this.#stripes = null;
    const wasOpen = link.open;
    link.close();
    this.info.stop();
    if (wasOpen) this.#listener.onLinkClosed();
  }

  #setStatus(status: PeerStatus): void {
    if (this.#disposed) return;
    if (status !== 'connecting') {
      clearTimeout(this.#slowTimer);
      this.#slowTimer = undefined;
      this.slow = false;
    } else if (this.#slowTimer === undefined) {
      this.#slowTimer = setTimeout(() => (this.slow = true), SLOW_CONNECT_MS);
    }
    this.status = status;
  }
}
