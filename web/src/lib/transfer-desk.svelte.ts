/**
 * Transfers over the current link, both directions: starts sends, takes incoming images,
 * and keeps what the panels show (the latest transfer's state and figures, and a history).
 * Figures are copied out of the engine on a timer, never per packet.
 */
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import {
  TIME_SERIES_INTERVAL_MS,
  TransferSession,
  type Receiver,
  type Sender,
} from '../../../shared/transfer/index.ts';
import { chartColumns, type ChartColumns, type LossPoint } from './chart-columns.ts';
import { lossSpecFor } from './loss-spec.ts';
import { NO_REFUSALS, RECEIVER_CANCEL_TEXT, peerRefusals, sameRefusals, type PeerRefusals } from './peer-refusals.ts';
import type { ReceiveDisplay } from './receive-display.svelte.ts';
import type { LinkListener, OpenLink } from './room-session.svelte.ts';
import type { SendOptions } from './send-options.svelte.ts';
import { lossPercent, lostPackets, receiverStats, senderStats, type TransferStats } from './transfer-stats.ts';

const REFRESH_MS = 200;
/** Refusals are rare and a person reads them, so a slower poll than the figures'. */
const REFUSALS_REFRESH_MS = 1_000;

/** What the page says about a transfer; the testids carry these words. */
export type TransferPhase = 'sending' | 'receiving' | 'repairing' | 'complete' | 'incomplete' | 'interrupted';

export interface TransferView {
  /** Unique on this page (engine ids are only unique per sending side). */
  key: number;
  direction: 'outgoing' | 'incoming';
  fileName: string;
  width: number;
  height: number;
  bitsPerPixel: number;
  phase: TransferPhase;
  stats: TransferStats;
  chart: ChartColumns;
  /** Why the other side stopped this page's image, when it did. */
  refusal: string | null;
}

interface Tracked {
  key: number;
  engine: { kind: 'sender'; sender: Sender } | { kind: 'receiver'; receiver: Receiver; lossTrail: LossPoint[] };
}

export class TransferDesk implements LinkListener {
  /** The latest transfer in either direction. */
  current = $state.raw<TransferView | null>(null);
  /** Every transfer of this page, newest first. */
  history = $state.raw<TransferView[]>([]);
  connected = $state(false);
  /** What this page refused from the other person on the current link. */
  refusals = $state.raw<PeerRefusals>(NO_REFUSALS);

  readonly #display: ReceiveDisplay;
  #session: TransferSession | null = null;
  /** Stripes of the packet channel that are open, whoever asked for them; 1 without striping. */
  #stripesOpen: () => number = () => 1;
  #tracked: Tracked[] = [];
  #nextKey = 1;
  #timer: ReturnType<typeof setInterval> | undefined;
  #refusalsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(display: ReceiveDisplay) {
    this.#display = display;
  }

  get sending(): boolean {
    return this.current?.direction === 'outgoing' && !isFinal(this.current.phase);
  }

  /** `pixelsCrc32`, when known, lets the manifest go out at once (Sender's option of that name). */
  send(image: NativeImage, fileName: string, options: SendOptions, pixelsCrc32?: number): void {
    if (!this.#session) return;
    const o = options.effective;
    const loss = lossSpecFor(o.lossPercent, o.burstLength, (Math.random() * 2 ** 32) >>> 0);
    const sender = this.#session.send(image, {
      fileName,
      scanOrder: o.order,
      payloadBytes: o.payloadBytes,
      repairRounds: o.repairRounds,
      adaptivePacing: true,
      ...(pixelsCrc32 !== undefined ? { pixelsCrc32 } : {}),
      ...(loss ? { loss } : {}),
      ...(o.rateLimitBytesPerSecond > 0 ? { rateLimit: o.rateLimitBytesPerSecond } : {}),
      onStateChange: () => this.#refresh(),
    });
    this.#track({ key: this.#nextKey++, engine: { kind: 'sender', sender } });
  }

  /** Stops the latest transfer if it is still going; both sides end it as interrupted. */
  cancelCurrent(): void {
    const tracked = this.#tracked.find((t) => t.key === this.current?.key);
    if (!tracked) return;
    if (tracked.engine.kind === 'sender') tracked.engine.sender.cancel();
    else tracked.engine.receiver.cancel();
    this.#refresh();
  }

  /** A new link is open: a fresh session takes what the peer sends on it. */
  onLinkOpen(link: Pick<OpenLink, 'control' | 'packets' | 'deliverTo'> & Partial<Pick<OpenLink, 'stripes' | 'refusedMessages'>>): void {
    const stripes = link.stripes;
    this.#stripesOpen = stripes ? () => stripes.open : () => 1;
    const session = new TransferSession({
      control: link.control,
      packets: link.packets,
      ...(stripes && { stripes }),
      now: () => performance.now(),
      schedule: (callback, ms) => {
        const id = setTimeout(callback, ms);
        return () => clearTimeout(id);
      },
      receiver: { onStateChange: (receiver) => this.#onReceiverStateChange(receiver) },
      onIncoming: (receiver) => this.#onIncoming(receiver),
    });
    this.#session = session;
    link.deliverTo(session);
    this.connected = true;
    this.refusals = NO_REFUSALS;
    clearInterval(this.#refusalsTimer);
    this.#refusalsTimer = setInterval(() => {
      const refusals = peerRefusals(session.stats, link.refusedMessages ?? 0);
      if (!sameRefusals(refusals, this.refusals)) this.refusals = refusals;
    }, REFUSALS_REFRESH_MS);
  }

  /** Unfinished transfers end as interrupted; what arrived stays on the canvas. */
  onLinkClosed(): void {
    this.#session?.close();
    this.#session = null;
    this.connected = false;
    clearInterval(this.#refusalsTimer);
    this.#refresh();
  }

  dispose(): void {
    clearInterval(this.#timer);
    clearInterval(this.#refusalsTimer);
    this.#session?.close();
    this.#session = null;
  }

  #onIncoming(receiver: Receiver): void {
    this.#track({ key: this.#nextKey++, engine: { kind: 'receiver', receiver, lossTrail: [] } });
    this.#display.show(receiver);
  }

  #onReceiverStateChange(receiver: Receiver): void {
    if (receiver === this.#display.receiver) this.#display.finished();
    this.#refresh();
  }

  #track(tracked: Tracked): void {
    this.#tracked.push(tracked);
    this.#refresh();
    this.#timer ??= setInterval(() => this.#refresh(), REFRESH_MS);
  }

  /** Copies every unfinished transfer's figures into the views; stops the timer when all are done. */
  #refresh(): void {
    const views = new Map(this.history.map((view) => [view.key, view]));
    for (const tracked of this.#tracked) views.set(tracked.key, viewOf(tracked, this.#stripesOpen()));
    this.#tracked = this.#tracked.filter((t) => !isFinal(views.get(t.key)!.phase));
    this.history = [...views.values()].sort((a, b) => b.key - a.key);
    this.current = this.history[0] ?? null;
    if (this.#tracked.length === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

function isFinal(phase: TransferPhase): boolean {
  return phase === 'complete' || phase === 'incomplete' || phase === 'interrupted';
}

/** `stripesOpen`: what an incoming transfer shows as its stripes (the peer's sender chose them). */
function viewOf(tracked: Tracked, stripesOpen: number): TransferView {
  const e = tracked.engine;
  if (e.kind === 'sender') {
    const { sender } = e;
    const m = sender.manifest;
    const phase: TransferPhase =
      sender.state === 'cancelled'
        ? 'interrupted'
        : sender.state === 'complete' || sender.state === 'incomplete'
          ? sender.state
          : sender.stats.rounds > 0
            ? 'repairing'
            : 'sending';
    return {
      ...common(tracked.key, 'outgoing', m),
      phase,
      stats: senderStats(sender.stats),
      chart: chartColumns(sender.timeSeries(), TIME_SERIES_INTERVAL_MS),
      refusal: sender.refusal === null ? null : RECEIVER_CANCEL_TEXT[sender.refusal],
    };
  }
  const { receiver, lossTrail } = e;
  const stats = { ...receiverStats(receiver.stats), stripes: stripesOpen };
  const percent = lossPercent(lostPackets(stats), stats);
  if (lossTrail.at(-1)?.percent !== percent) lossTrail.push({ atMs: stats.elapsedMs, percent });
  const phase: TransferPhase =
    receiver.state === 'receiving' ? (receiver.stats.rounds > 0 ? 'repairing' : 'receiving') : receiver.state;
  return {
    ...common(tracked.key, 'incoming', receiver.manifest),
    phase,
    stats,
    chart: chartColumns(receiver.timeSeries(), TIME_SERIES_INTERVAL_MS, lossTrail),
    refusal: null,
  };
}

function common(
  key: number,
  direction: TransferView['direction'],
  m: { fileName: string; width: number; height: number; format: { bitsPerPixel: number } },
) {
  return { key, direction, fileName: m.fileName, width: m.width, height: m.height, bitsPerPixel: m.format.bitsPerPixel };
}
