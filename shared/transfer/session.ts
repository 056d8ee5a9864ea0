/**
 * One peer connection's transfers, both directions: routes every incoming message to its
 * sender or receiver by transfer id, creates receivers from manifests, and counts what it
 * cannot route. A transfer that has ended is let go (a 24-megapixel receiver holds 168 MB);
 * only its id is kept, so that its late packets count as stale. What the peer's transfers may
 * cost this side is bounded by incoming-budget.ts. Transfer ids are per sending side; message
 * types say which side a message is for, so both peers may use the same ids at once.
 */
import {
  CancelOrigin,
  CancelReason,
  DEFAULT_MANIFEST_LIMITS,
  ProtocolError,
  ProtocolErrorCode,
  decodeControlChannelMessage,
  decodePacketChannelMessage,
  encodeControlMessage,
  type ControlMessage,
  type DataPacket,
  type ManifestLimits,
  type PacketChannelMessage,
} from '../protocol/index.ts';
import type { NativeImage } from '../pixels/pixel-format.ts';
import type { Clock, ControlChannel, PacketChannel, Scheduler } from './channel.ts';
import { IdleWatch, MAX_INCOMING_TRANSFERS, RecentIds } from './incoming-budget.ts';
import { Receiver, type ReceiverOptions } from './receiver.ts';
import { Sender, type SenderOptions } from './sender.ts';
import type { StripeControl } from './stripes.ts';

export interface TransferSessionOptions {
  readonly control: ControlChannel;
  readonly packets: PacketChannel;
  /** The packet channel's stripes, when it has several; this side's senders choose how many to use. */
  readonly stripes?: StripeControl;
  readonly now: Clock;
  readonly schedule: Scheduler;
  /** What this side accepts from the peer's manifests. Default {@link DEFAULT_MANIFEST_LIMITS}. */
  readonly limits?: ManifestLimits;
  readonly receiver?: Pick<ReceiverOptions, 'settleMs' | 'rgba' | 'onStateChange'>;
  /** The peer started sending an image; the receiver is already receiving. */
  readonly onIncoming?: (receiver: Receiver) => void;
  /** The peer sent something this side refused; the session has counted it and carries on. */
  readonly onProtocolError?: (error: ProtocolError) => void;
}

/**
 * Data packets kept for transfer ids this side has no manifest for yet. The manifest travels on
 * the other channel and can be overtaken by the first packets; those are replayed when it comes.
 * A decoded packet is at most MAX_PACKET_BYTES, so these hold at most about 1.2 MB, whatever
 * ids a peer makes up.
 */
export const MAX_EARLY_PACKETS = 1024;

export type SendOptions = Omit<SenderOptions, 'transferId' | 'control' | 'packets' | 'stripes' | 'now' | 'schedule'>;

export interface SessionStats {
  /** Data packets for transfer ids without a manifest (held briefly in case it is late, then dropped). */
  readonly foreign: number;
  /** Data packets of transfers that have ended. */
  readonly stale: number;
  /** Messages of the packet channel that failed to decode at all, or progress reports naming packets a pass does not have. */
  readonly malformedPackets: number;
  /** Control messages that failed to decode or made no sense (a receipt naming unknown packets). */
  readonly malformedControl: number;
  /** Manifests refused (limits, invalid fields, busy); the peer was sent a cancel. */
  readonly refused: number;
  /** Of `refused`: manifests that came while another image was still being received. */
  readonly busy: number;
  /** Receivers ended because their sender fell silent. */
  readonly idle: number;
}

export class TransferSession {
  private readonly senders = new Map<number, Sender>();
  private readonly receivers = new Map<number, Receiver>();
  /** Ids of this side's latest receivers that have ended. */
  private readonly endedReceivers = new RecentIds();
  /** One per receiver, keyed like `receivers`. */
  private readonly idleWatches = new Map<number, IdleWatch>();
  private nextTransferId = 1;
  /** Packets that came before their manifest, oldest first. */
  private early: { transferId: number; packet: DataPacket }[] = [];
  private counts = { foreign: 0, stale: 0, malformedPackets: 0, malformedControl: 0, refused: 0, busy: 0, idle: 0 };

  constructor(private readonly options: TransferSessionOptions) {}

  /** Starts sending `image`; the returned sender reports progress and the verdict. */
  send(image: NativeImage, options: SendOptions): Sender {
    const { control, packets, stripes, now, schedule } = this.options;
    const transferId = this.nextTransferId++;
    const sender = new Sender(image, {
      ...options,
      transferId,
      control,
      packets,
      ...(stripes && { stripes }),
      now,
      schedule,
      onStateChange: (s) => {
        options.onStateChange?.(s);
        if (s.state === 'complete' || s.state === 'incomplete' || s.state === 'cancelled') this.senders.delete(transferId);
      },
    });
    this.senders.set(transferId, sender);
    sender.start();
    return sender;
  }

  /** Feed every message of the reliable control channel here. */
  receiveControl(bytes: Uint8Array): void {
    let message: ControlMessage;
    try {
      message = decodeControlChannelMessage(bytes, this.options.limits ?? DEFAULT_MANIFEST_LIMITS);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.refuse(error);
      return;
    }
    try {
      this.dispatch(message);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.counts.malformedControl++;
      this.options.onProtocolError?.(error);
    }
  }

  private refuse(error: ProtocolError): void {
    this.counts.malformedControl++;
    this.options.onProtocolError?.(error);
    // A manifest we will not honour: tell the sender, so it stops instead of streaming into the void.
    const transferId = error.refusedManifest;
    if (transferId !== undefined) {
      this.counts.refused++;
      this.options.control.send(
        encodeControlMessage({ type: 'cancel', transferId, origin: CancelOrigin.RECEIVER, reason: CancelReason.REFUSED }),
      );
    }
  }

  private dispatch(message: ControlMessage): void {
    switch (message.type) {
      case 'manifest': {
        if (this.receivers.has(message.transferId) || this.endedReceivers.has(message.transferId)) return;
        const { type: _type, ...manifest } = message;
        const { now, schedule, control, packets, receiver: receiverOptions } = this.options;
        if (this.receivers.size >= MAX_INCOMING_TRANSFERS) {
          this.refuseBusy(manifest.transferId);
          return;
        }
        let receiver: Receiver;
        try {
          receiver = new Receiver(manifest, {
            ...receiverOptions,
            control,
            packets,
            now,
            schedule,
            onStateChange: (r) => {
              receiverOptions?.onStateChange?.(r);
              if (r.state !== 'receiving') this.retire(r);
            },
          });
        } catch (error) {
          // Within the limits but more than this device can allocate right now.
          if (!(error instanceof RangeError)) throw error;
          this.counts.refused++;
          control.send(
            encodeControlMessage({ type: 'cancel', transferId: manifest.transferId, origin: CancelOrigin.RECEIVER, reason: CancelReason.ERROR }),
          );
          throw new ProtocolError(ProtocolErrorCode.LIMIT_EXCEEDED, `cannot allocate ${manifest.width}×${manifest.height}`, {
            cause: error,
          });
        }
        this.receivers.set(message.transferId, receiver);
        this.idleWatches.set(message.transferId, new IdleWatch(now, schedule, () => this.endIdle(receiver)));
        this.options.onIncoming?.(receiver);
        this.replayEarly(receiver);
        return;
      }
      case 'end-of-pass':
        this.idleWatches.get(message.transferId)?.heard();
        this.receivers.get(message.transferId)?.handleEndOfPass(message);
        return;
      case 'receipt':
        this.senders.get(message.transferId)?.handleReceipt(message);
        return;
      case 'progress':
        // Receivers send it on the packet channel (receivePacket); the control channel accepts it too.
        this.senders.get(message.transferId)?.handleProgress(message);
        return;
      case 'complete':
        this.senders.get(message.transferId)?.handleComplete(message);
        return;
      case 'cancel':
        if (message.origin === CancelOrigin.SENDER) this.receivers.get(message.transferId)?.handleCancel();
        else this.senders.get(message.transferId)?.handleCancel(message.reason);
        return;
    }
  }

  /**
   * Feed every message of the unreliable packet channel here: data packets, progress reports for
   * this side's senders, and the copies of pass messages (a copy and its original are handled
   * alike; whichever comes second finds its work done).
   */
  receivePacket(bytes: Uint8Array): void {
    let message: PacketChannelMessage;
    try {
      message = decodePacketChannelMessage(bytes);
      if (message.type === 'progress') {
        this.senders.get(message.progress.transferId)?.handleProgress(message.progress);
        return;
      }
      if (message.type === 'pass') {
        this.dispatch(message.message);
        return;
      }
    } catch (error) {
      // A progress report naming packets its pass does not have counts here too.
      if (!(error instanceof ProtocolError)) throw error;
      this.counts.malformedPackets++;
      return;
    }
    const { packet } = message;
    const receiver = this.receivers.get(packet.transferId);
    if (receiver) {
      this.idleWatches.get(packet.transferId)?.heard();
      receiver.handlePacket(packet);
      return;
    }
    if (this.endedReceivers.has(packet.transferId)) {
      this.counts.stale++;
      return;
    }
    this.counts.foreign++;
    // Keep a copy: the channel may reuse the bytes' buffer once this handler returns.
    this.early.push({ transferId: packet.transferId, packet: { ...packet, payload: packet.payload.slice() } });
    if (this.early.length > MAX_EARLY_PACKETS) this.early.shift();
  }

  private retire(receiver: Receiver): void {
    this.receivers.delete(receiver.transferId);
    this.idleWatches.get(receiver.transferId)?.stop();
    this.idleWatches.delete(receiver.transferId);
    this.endedReceivers.add(receiver.transferId);
  }

  /** A second image while one is arriving: the peer hears why, and the one arriving carries on. */
  private refuseBusy(transferId: number): void {
    this.counts.refused++;
    this.counts.busy++;
    this.options.control.send(
      encodeControlMessage({ type: 'cancel', transferId, origin: CancelOrigin.RECEIVER, reason: CancelReason.BUSY }),
    );
  }

  /** Its sender fell silent: tell it (in case it is still there) and free the slot. */
  private endIdle(receiver: Receiver): void {
    if (receiver.state !== 'receiving') return;
    this.counts.idle++;
    receiver.cancel(CancelReason.ERROR);
  }

  private replayEarly(receiver: Receiver): void {
    const mine = this.early.filter((e) => e.transferId === receiver.transferId);
    if (mine.length === 0) return;
    this.early = this.early.filter((e) => e.transferId !== receiver.transferId);
    this.counts.foreign -= mine.length;
    for (const { packet } of mine) receiver.handlePacket(packet);
  }

  /** The peer connection closed: every unfinished transfer ends as interrupted. */
  close(): void {
    // Copies: interrupting a transfer removes it from its map.
    for (const sender of [...this.senders.values()]) sender.interrupt();
    for (const receiver of [...this.receivers.values()]) receiver.interrupt();
    for (const watch of this.idleWatches.values()) watch.stop();
    this.idleWatches.clear();
  }

  get stats(): SessionStats {
    return { ...this.counts };
  }
}
