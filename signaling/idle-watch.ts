/** One clock per peer that restarts on every touch and calls `onIdle` when it runs out. */

export interface IdleWatch {
  /** Starts or restarts the peer's clock. */
  touch(peerId: string): void;
  forget(peerId: string): void;
  /** Stops every clock. */
  close(): void;
}

export function createIdleWatch(idleMs: number, onIdle: (peerId: string) => void): IdleWatch {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    touch(peerId) {
      const running = timers.get(peerId);
      if (running) {
        running.refresh();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(peerId);
        onIdle(peerId);
      }, idleMs);
      // An idle clock alone never keeps the process running.
      timer.unref();
      timers.set(peerId, timer);
    },
    forget(peerId) {
      clearTimeout(timers.get(peerId));
      timers.delete(peerId);
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
