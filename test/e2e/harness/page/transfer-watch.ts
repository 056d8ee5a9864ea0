/**
 * Injected into both app pages by the harness (never part of the app): a stopwatch on
 * `transfer-state`. A MutationObserver sees every state the page shows, however briefly, so a
 * fast transfer is never missed and the previous transfer's end is never taken for this one's.
 * On the receiving page the end also waits for the picture to be painted whole (`data-painted`
 * on `receive-image`: the app's worker has painted every change, which is on screen from its next
 * frame), so the time is to the finished image, not just to the verdict. It also keeps the
 * longest time the panel's count of received packets (`stat-received`) stood still while the
 * transfer was under way: a stall, which a median time hides.
 */

const END_STATE = /interrupted|incomplete|complete/i;

export interface TransferTimes {
  /** Epoch ms (timeOrigin + now) when `transfer-state` first showed a state that is not an end. */
  activeAt: number;
  /** Epoch ms when it then first showed an end state, and that state's text. */
  endedAt: number;
  endState: string;
  /** Longest ms between changes of `stat-received` from activeAt to endedAt (so far, while under way). */
  longestStillMs: number;
}

let times: TransferTimes = { activeAt: 0, endedAt: 0, endState: '', longestStillMs: 0 };
let received = '';
let receivedChangedAt = 0;
let observer: MutationObserver | undefined;

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The receiving page's picture has every change painted (ReceiveDisplay's `painted`); true where there is none. */
function painted(): boolean {
  return document.querySelector('[data-testid="receive-image"]')?.getAttribute('data-painted') !== 'false';
}

function receivedCount(): string {
  return document.querySelector('[data-testid="stat-received"]')?.textContent ?? '';
}

/** Measures the stretch since `stat-received` last changed, and starts a new one when it changes now. */
function checkReceived(now: number): void {
  times.longestStillMs = Math.max(times.longestStillMs, now - receivedChangedAt);
  const count = receivedCount();
  if (count !== received) {
    received = count;
    receivedChangedAt = now;
  }
}

function check(): void {
  const text = document.querySelector('[data-testid="transfer-state"]')?.textContent ?? '';
  if (!times.activeAt) {
    if (text.trim() !== '' && !END_STATE.test(text)) {
      times.activeAt = epochNow();
      received = receivedCount();
      receivedChangedAt = times.activeAt;
    }
    return;
  }
  checkReceived(epochNow());
  if (END_STATE.test(text) && painted()) {
    times.endedAt = epochNow();
    times.endState = text.trim();
    observer?.disconnect();
  }
}

/** Starts watching for the next transfer; call it before the transfer starts. */
export function watchTransfer(): void {
  observer?.disconnect();
  times = { activeAt: 0, endedAt: 0, endState: '', longestStillMs: 0 };
  observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-painted'] });
}

export function transferTimes(): TransferTimes {
  return { ...times };
}
