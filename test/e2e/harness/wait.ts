/** Polling with a deadline, for state that lives in a page and has no event Node can await. */

export interface WaitOptions {
  timeoutMs: number;
  /** Says what was awaited in the timeout error. */
  what: string;
  intervalMs?: number;
}

/** Calls `read` until `done(value)` holds and returns that value; throws with the last value after `timeoutMs`. */
export async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
