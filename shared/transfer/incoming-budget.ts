/**
 * What a session spends on the peer's transfers: how many it receives at once, how long a
 * receiver may wait for a silent sender, and how many ended transfer ids it remembers. A peer
 * decides how often it sends a manifest, and each one can cost a receiver hundreds of megabytes;
 * these bounds keep that cost at one image's worth whatever the peer does.
 */
import type { Clock, Scheduler } from './channel.ts';

/**
 * A person sends one image at a time, and the app sends the next only once the last has ended;
 * a second manifest while one is being received is refused (cancel, reason busy).
 */
export const MAX_INCOMING_TRANSFERS = 1;

/**
 * A receiver that hears nothing from its sender for this long ends as interrupted. A sender
 * never pauses longer than its window timeout (500 ms) while it runs, and between passes it
 * answers a receipt at once; ICE gives up on a silent path after about 30 s, so a transfer
 * silent for longer has no sender any more, and holding its image would only keep the slot
 * (and the memory) from the next one.
 */
export const RECEIVER_IDLE_MS = 30_000;

/**
 * Ended transfer ids remembered, so that late packets of a recent transfer count as stale
 * rather than as packets before a manifest. Late packets follow within a round trip of the end,
 * when only the last few transfers can still have any.
 */
export const ENDED_IDS_KEPT = 64;

/** The last {@link ENDED_IDS_KEPT} ids added, oldest dropped first. */
export class RecentIds {
  private readonly ring: number[] = [];
  private readonly members = new Set<number>();

  constructor(private readonly capacity = ENDED_IDS_KEPT) {}

  add(id: number): void {
    if (this.members.has(id)) return;
    this.ring.push(id);
    this.members.add(id);
    if (this.ring.length > this.capacity) this.members.delete(this.ring.shift()!);
  }

  has(id: number): boolean {
    return this.members.has(id);
  }

  get size(): number {
    return this.members.size;
  }
}

/**
 * Calls `onIdle` once nothing was heard for `idleMs`. One timer per watch, moved only when it
 * fires, so hearing a packet costs a clock read, not a timer.
 */
export class IdleWatch {
  private lastHeard: number;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly now: Clock,
    private readonly schedule: Scheduler,
    private readonly onIdle: () => void,
    private readonly idleMs = RECEIVER_IDLE_MS,
  ) {
    this.lastHeard = now();
    this.arm(idleMs);
  }

  heard(): void {
    this.lastHeard = this.now();
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private arm(delayMs: number): void {
    this.cancelTimer = this.schedule(() => this.check(), delayMs);
  }

  private check(): void {
    const silentFor = this.now() - this.lastHeard;
    if (silentFor >= this.idleMs) {
      this.cancelTimer = undefined;
      this.onIdle();
    } else {
      this.arm(this.idleMs - silentFor);
    }
  }
}
