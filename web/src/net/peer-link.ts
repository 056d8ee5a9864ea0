/**
 * The WebRTC edge: one simple-peer connection carrying two data channels.
 *
 * - packets: simple-peer's own channel, unordered with no retransmissions, for pixel packets.
 * - control: a second, reliable and ordered channel for manifests, receipts and completion.
 *   simple-peer's answering side replaces its channel on every `datachannel` event, so this
 *   one is pre-negotiated (`negotiated: true`, same id on both sides) and fires no such event.
 *
 * A further stripe of a striped packet channel is a PeerLink without the control channel.
 */
import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { IceServer, SignalData } from '../../../shared/events.ts';
import type { ControlChannel, PacketChannel } from '../../../shared/transfer/channel.ts';

const PACKET_CHANNEL: RTCDataChannelInit = { ordered: false, maxRetransmits: 0 };
const CONTROL_CHANNEL: RTCDataChannelInit = { ordered: true, negotiated: true, id: 100 };
/**
 * The other side may count the link as open (and start sending) a moment before this side
 * does. Messages of that moment are held and delivered on open: all control messages (they
 * must never be lost), and data packets up to this many (beyond it they count as lost).
 */
const EARLY_PACKET_LIMIT = 4096;

export type LinkFailure = 'CONNECTION_FAILED' | 'CHANNEL_ERROR';

export interface PeerLinkOptions {
  /** Whether this connection carries the control channel too (default true); a further stripe does not. */
  readonly control?: boolean;
  /**
   * Whether ICE candidates go out one by one (default true). A further stripe sends them inside
   * its offer and answer instead: two signaling events per stripe rather than a dozen.
   */
  readonly trickle?: boolean;
}

export interface PeerLinkHandlers {
  onSignal(data: SignalData): void;
  /** Both channels are open. */
  onOpen(): void;
  onPacket(bytes: Uint8Array): void;
  onControl(bytes: Uint8Array): void;
  /** ICE lost contact (consent checks unanswered for a few seconds); it may still recover. */
  onStalled(): void;
  /** The connection is gone for good; `failure` is undefined for an orderly close. */
  onClose(failure: LinkFailure | undefined): void;
}

interface SimplePeerInternals {
  _pc: RTCPeerConnection | null;
  _channel: RTCDataChannel | null;
}

export class PeerLink {
  /** The unreliable channel, as the transfer engine wants it. */
  readonly packets: PacketChannel;
  /** The reliable channel, as the transfer engine wants it. */
  readonly control: ControlChannel = { send: (bytes) => this.#sendControl(bytes) };
  readonly #peer: SimplePeer.Instance;
  readonly #internals: SimplePeerInternals;
  readonly #control: RTCDataChannel | null;
  readonly #handlers: PeerLinkHandlers;
  #peerConnected = false;
  #open = false;
  #closed = false;
  #earlyControl: Uint8Array[] = [];
  #earlyPackets: Uint8Array[] = [];

  constructor(initiator: boolean, iceServers: IceServer[], handlers: PeerLinkHandlers, options: PeerLinkOptions = {}) {
    this.#handlers = handlers;
    const link = this;
    this.packets = {
      send: (bytes) => link.#sendPacket(bytes),
      get bufferedAmount() {
        return link.#bufferedAmount();
      },
      onceBufferedAmountLow: (threshold, callback) => link.#onceBufferedAmountLow(threshold, callback),
    };
    this.#peer = new SimplePeer({ initiator, channelConfig: PACKET_CHANNEL, config: { iceServers }, trickle: options.trickle ?? true });
    this.#internals = this.#peer as unknown as SimplePeerInternals;
    const pc = this.#internals._pc;
    if (!pc) throw new Error('simple-peer created no RTCPeerConnection');
    this.#control = options.control === false ? null : pc.createDataChannel('control', CONTROL_CHANNEL);
    if (this.#control) {
      this.#control.binaryType = 'arraybuffer';
      this.#control.onopen = () => this.#onMaybeOpen();
      this.#control.onmessage = (event: MessageEvent<ArrayBuffer>) => this.#onControlMessage(event);
      this.#control.onclose = () => this.#onClose(undefined);
    }
    this.#peer.on('signal', (data) => this.#handlers.onSignal(data as SignalData));
    this.#peer.on('connect', () => this.#onPeerConnect());
    this.#peer.on('data', (data: Uint8Array) => this.#onPacket(data));
    this.#peer.on('close', () => this.#onClose(undefined));
    this.#peer.on('iceStateChange', (state: RTCIceConnectionState) => this.#onIceState(state));
    this.#peer.on('error', (err: Error & { code?: string }) => this.#onError(err));
  }

  get open(): boolean {
    return this.#open;
  }

  /** The RTCPeerConnection, for getStats() and the DTLS fingerprints; null once closed. */
  get connection(): RTCPeerConnection | null {
    return this.#internals._pc;
  }

  signal(data: SignalData): void {
    if (!this.#closed) this.#peer.signal(data as SimplePeer.SignalData);
  }

  close(): void {
    this.#closed = true;
    this.#control?.close();
    this.#peer.destroy();
  }

  #bufferedAmount(): number {
    return this.#internals._channel?.bufferedAmount ?? 0;
  }

  /** Sends on a closed link are dropped: the close event is what tells the engine. */
  #sendPacket(bytes: Uint8Array): void {
    if (this.#open && !this.#closed) this.#peer.send(bytes);
  }

  #sendControl(bytes: Uint8Array): void {
    if (this.#control?.readyState === 'open') this.#control.send(bytes as Uint8Array<ArrayBuffer>);
  }

  /** A closed link never calls back: the transfer learns of the close from onClose instead. */
  #onceBufferedAmountLow(threshold: number, callback: () => void): void {
    const channel = this.#internals._channel;
    if (this.#closed || !channel) return;
    if (channel.bufferedAmount <= threshold) {
      queueMicrotask(callback);
      return;
    }
    channel.bufferedAmountLowThreshold = threshold;
    channel.addEventListener('bufferedamountlow', () => callback(), { once: true });
  }

  #onPeerConnect(): void {
    this.#peerConnected = true;
    // From here on packets skip simple-peer's data path, which turns each message into a Buffer
    // and pushes it through a Node-style stream: at ~20,000 packets a second, on the thread that
    // also places and paints them, that was measurable time and garbage (docs/benchmarks.md).
    // simple-peer clears this handler itself when it is destroyed.
    const channel = this.#internals._channel;
    if (channel) channel.onmessage = (event: MessageEvent<ArrayBuffer>) => this.#onPacket(new Uint8Array(event.data));
    this.#onMaybeOpen();
  }

  #onIceState(state: RTCIceConnectionState): void {
    if (state === 'disconnected' && this.#open) this.#handlers.onStalled();
  }

  /** True while ICE has lost contact with the other side. */
  get stalled(): boolean {
    return this.#internals._pc?.iceConnectionState === 'disconnected';
  }

  #onMaybeOpen(): void {
    if (this.#open || this.#closed || !this.#peerConnected || (this.#control && this.#control.readyState !== 'open')) return;
    this.#open = true;
    this.#handlers.onOpen();
    for (const bytes of this.#earlyControl) this.#handlers.onControl(bytes);
    for (const bytes of this.#earlyPackets) this.#handlers.onPacket(bytes);
    this.#earlyControl = [];
    this.#earlyPackets = [];
  }

  #onControlMessage(event: MessageEvent<ArrayBuffer>): void {
    const bytes = new Uint8Array(event.data);
    if (this.#open) this.#handlers.onControl(bytes);
    else this.#earlyControl.push(bytes);
  }

  #onPacket(bytes: Uint8Array): void {
    if (this.#open) this.#handlers.onPacket(bytes);
    else if (this.#earlyPackets.length < EARLY_PACKET_LIMIT) this.#earlyPackets.push(bytes);
  }

  #onError(err: Error & { code?: string }): void {
    this.#onClose(err.code === 'ERR_DATA_CHANNEL' ? 'CHANNEL_ERROR' : 'CONNECTION_FAILED');
  }

  #onClose(failure: LinkFailure | undefined): void {
    if (this.#closed) return;
    this.close();
    this.#handlers.onClose(failure);
  }
}
