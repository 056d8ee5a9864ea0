/**
 * What the engine needs from the outside world. The browser edge maps these to RTCDataChannels
 * and setTimeout; tests and benchmarks map them to an in-memory link and virtual time, so every
 * transfer is deterministic.
 */

/** The unreliable, unordered channel the data packets travel on. */
export interface PacketChannel {
  send(bytes: Uint8Array): void;
  /** Bytes handed to `send` and not yet on the wire (RTCDataChannel.bufferedAmount). */
  readonly bufferedAmount: number;
  /**
   * For a channel striped over several connections: the bytes all of them hold; it may leave
   * out a connection that has stopped letting any go while another still moves (repair resends
   * its packets over the other). Its `bufferedAmount` is then what the connection the next send
   * goes to holds (the sender may go on while any has room), and `onceBufferedAmountLow(0, …)`
   * waits until `queuedAmount` is 0.
   */
  readonly queuedAmount?: number;
  /**
   * For a channel striped over several connections: sends the message on each connection in
   * use, at once. For the copies of pass messages: a connection whose buffer is empty may still
   * be waiting out a retransmission timeout with its congestion window full, and the first
   * copy to arrive is the one that counts.
   */
  sendEverywhere?(bytes: Uint8Array): void;
  /**
   * Calls `callback` once, when `bufferedAmount` has fallen to `threshold` or below. An
   * RTCDataChannel does this with `bufferedAmountLowThreshold = threshold` and a one-shot
   * `bufferedamountlow` listener.
   */
  onceBufferedAmountLow(threshold: number, callback: () => void): void;
}

/** The reliable, ordered channel for manifests and control messages. */
export interface ControlChannel {
  send(bytes: Uint8Array): void;
}

/** Milliseconds from any fixed origin (performance.now in a browser). */
export type Clock = () => number;

/** Runs `callback` after `delayMs` (setTimeout in a browser); returns a function that cancels it. */
export type Scheduler = (callback: () => void, delayMs: number) => () => void;
