/**
 * The WebRTC edge: one simple-peer connection carrying two data channels.
 *
 * - packets: simple-peer's own channel, unordered with no retransmissions, for pixel packets.
 * - control: a second, reliable and ordered channel for manifests, receipts and completion.
 *   simple-peer's answering side replaces its channel on every `datachannel` event, so this
 *   one is pre-negotiated (`negotiated: true`, same id on both sides) and fires no such event.
 * - verification: a third pre-negotiated reliable channel for the verification code's
 *   commit/reveal messages (short-auth-string.ts), kept out of the transfer protocol.
 *
 * Whoever opens the link (RoomSession) hears of its state; what arrives on the packet and control
 * channels goes straight to the inbox the transfer side names with {@link PeerLink.deliverTo}.
 *
 * A further stripe of a striped packet channel is a PeerLink with the packet channel alone.
 */
import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { PeerIceConfig, SignalData } from '../../../shared/events.ts';
import { MAX_PACKET_BYTES } from '../../../shared/protocol/limits.ts';
import type { ControlChannel, PacketChannel } from '../../../shared/transfer/channel.ts';
import { EarlyMessages, binaryMessage } from './message-guard.ts';

const PACKET_CHANNEL: RTCDataChannelInit = { ordered: false, maxRetransmits: 0 };
const CONTROL_CHANNEL: RTCDataChannelInit = { ordered: true, negotiated: true, id: 100 };
const VERIFICATION_CHANNEL: RTCDataChannelInit = { ordered: true, negotiated: true, id: 101 };
/** The verification exchange is two 33-byte messages each way; a few more are a peer's noise. */
const EARLY_VERIFICATION = { messages: 8, bytes: 1024 };
/**
 * The other side may count the link as open (and start sending) a moment before this side
 * does. Messages of that moment are held until the link is open and has an inbox. A real peer
 * sends a manifest and its first packets then; beyond these bounds packets count as lost and
 * control messages as refused (a transfer missing one ends by the receiver's idle timeout).
 */
const EARLY_PACKETS = { messages: 4096, bytes: 4096 * MAX_PACKET_BYTES };
const EARLY_CONTROL = { messages: 256, bytes: 1024 * 1024 };

export type LinkFailure = 'CONNECTION_FAILED' | 'CHANNEL_ERROR';

export interface PeerLinkOptions {
  /**
   * Whether this connection carries the reliable channels too, control and verification
   * (default true); a further stripe does not.
   */
  readonly control?: boolean;
  /**
   * Whether ICE candidates go out one by one (default true). A further stripe sends them inside
   * its offer and answer instead: two signaling events per stripe rather than a dozen.
   */
  readonly trickle?: boolean;
}

/** Where the messages the peer sends go: the transfer session. */
export interface LinkInbox {
  receivePacket(bytes: Uint8Array): void;
  receiveControl(bytes: Uint8Array): void;
}

export interface PeerLinkHandlers {
  onSignal(data: SignalData): void;
  /** Both channels are open. */
  onOpen(): void;
  /** ICE lost contact (consent checks unanswered for a few seconds); it may still recover. */
  onStalled(): void;
  /** The connection is gone for good; `failure` is undefined for an orderly close. */
  onClose(failure: LinkFailure | undefined): void;
}

/** A small reliable channel of its own for the verification exchange. */
export interface VerificationChannel {
  send(bytes: Uint8Array): void;
  /** Sets the one handler; messages that came before it are handed over at once. */
  onMessage(handler: (bytes: Uint8Array) => void): void;
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
  /** The verification channel: messages that come before `onMessage` is set wait (bounded) for it. */
  readonly verification: VerificationChannel = {
    send: (bytes) => {
      if (this.#verification?.readyState === 'open') this.#verification.send(bytes as Uint8Array<ArrayBuffer>);
    },
    onMessage: (handler) => {
      this.#onVerification = handler;
      for (const bytes of this.#earlyVerification.drain()) handler(bytes);
    },
  };
  readonly #peer: SimplePeer.Instance;
  readonly #internals: SimplePeerInternals;
  readonly #control: RTCDataChannel | null;
  readonly #verification: RTCDataChannel | null;
  #onVerification: ((bytes: Uint8Array) => void) | null = null;
  #earlyVerification = new EarlyMessages(EARLY_VERIFICATION.messages, EARLY_VERIFICATION.bytes);
  readonly #handlers: PeerLinkHandlers;
  #peerConnected = false;
  #open = false;
  #closed = false;
  #inbox: LinkInbox | null = null;
  #earlyControl = new EarlyMessages(EARLY_CONTROL.messages, EARLY_CONTROL.bytes);
  #earlyPackets = new EarlyMessages(EARLY_PACKETS.messages, EARLY_PACKETS.bytes);
  #refusedMessages = 0;

  /** `ice.iceTransportPolicy` `relay` keeps this side's addresses from the other side (TURN only). */
  constructor(initiator: boolean, ice: PeerIceConfig, handlers: PeerLinkHandlers, options: PeerLinkOptions = {}) {
    this.#handlers = handlers;
    const link = this;
    this.packets = {
      send: (bytes) => link.#sendPacket(bytes),
      get bufferedAmount() {
        return link.#bufferedAmount();
      },
      onceBufferedAmountLow: (threshold, callback) => link.#onceBufferedAmountLow(threshold, callback),
    };
    this.#peer = new SimplePeer({ initiator, channelConfig: PACKET_CHANNEL, config: { iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy }, trickle: options.trickle ?? true });
    this.#internals = this.#peer as unknown as SimplePeerInternals;
    const pc = this.#internals._pc;
    if (!pc) throw new Error('simple-peer created no RTCPeerConnection');
    const reliable = options.control ?? true;
    this.#control = reliable ? pc.createDataChannel('control', CONTROL_CHANNEL) : null;
    this.#verification = reliable ? pc.createDataChannel('verification', VERIFICATION_CHANNEL) : null;
    if (this.#control && this.#verification) {
      this.#control.binaryType = 'arraybuffer';
      this.#control.onopen = () => this.#onMaybeOpen();
      this.#control.onmessage = (event: MessageEvent<unknown>) => this.#onControlMessage(event.data);
      this.#control.onclose = () => this.#onClose(undefined);
      this.#verification.binaryType = 'arraybuffer';
      this.#verification.onopen = () => this.#onMaybeOpen();
      this.#verification.onmessage = (event: MessageEvent<unknown>) => this.#onVerificationMessage(event.data);
    }
    this.#peer.on('signal', (data) => this.#handlers.onSignal(data as SignalData));
    this.#peer.on('connect', () => this.#onPeerConnect());
    this.#peer.on('data', (data: unknown) => this.#onPacketMessage(data));
    this.#peer.on('close', () => this.#onClose(undefined));
    this.#peer.on('iceStateChange', (state: RTCIceConnectionState) => this.#onIceState(state));
    this.#peer.on('error', (err: Error & { code?: string }) => this.#onError(err));
  }

  get open(): boolean {
    return this.#open;
  }

  /** Messages refused before the engine saw them: text on either channel, control past the early bound. */
  get refusedMessages(): number {
    return this.#refusedMessages;
  }

  /** The RTCPeerConnection, for getStats() and the DTLS fingerprints; null once closed. */
  get connection(): RTCPeerConnection | null {
    return this.#internals._pc;
  }

  /** From now on the peer's messages go to `inbox`; those held until now go there at once if the link is open. */
  deliverTo(inbox: LinkInbox): void {
    this.#inbox = inbox;
    this.#deliverEarly();
  }

  signal(data: SignalData): void {
    if (!this.#closed) this.#peer.signal(data as SimplePeer.SignalData);
  }

  close(): void {
    this.#closed = true;
    this.#control?.close();
    this.#verification?.close();
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
    // also places and paints them, that costs measurable time and garbage.
    // simple-peer clears this handler itself when it is destroyed.
    const channel = this.#internals._channel;
    if (channel) channel.onmessage = (event: MessageEvent<unknown>) => this.#onPacketMessage(event.data);
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
    if (this.#open || this.#closed || !this.#peerConnected) return;
    if (this.#control && this.#control.readyState !== 'open') return;
    if (this.#verification && this.#verification.readyState !== 'open') return;
    this.#open = true;
    this.#handlers.onOpen();
    this.#deliverEarly();
  }

  #deliverEarly(): void {
    const inbox = this.#inbox;
    if (!this.#open || this.#closed || !inbox) return;
    for (const bytes of this.#earlyControl.drain()) inbox.receiveControl(bytes);
    for (const bytes of this.#earlyPackets.drain()) inbox.receivePacket(bytes);
  }

  #onControlMessage(data: unknown): void {
    const bytes = binaryMessage(data);
    if (!bytes) this.#refusedMessages++;
    else if (this.#open && this.#inbox) this.#inbox.receiveControl(bytes);
    else if (!this.#earlyControl.push(bytes)) this.#refusedMessages++;
  }

  #onVerificationMessage(data: unknown): void {
    const bytes = binaryMessage(data);
    if (!bytes) this.#refusedMessages++;
    else if (this.#onVerification) this.#onVerification(bytes);
    else if (!this.#earlyVerification.push(bytes)) this.#refusedMessages++;
  }

  #onPacketMessage(data: unknown): void {
    const bytes = binaryMessage(data);
    if (!bytes) this.#refusedMessages++;
    else if (this.#open && this.#inbox) this.#inbox.receivePacket(bytes);
    else this.#earlyPackets.push(bytes);
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
