/**
 * Abuse limits of one signaling instance, with their defaults. Sized for real use: one room setup
 * (offer, answer and trickled ICE candidates) is ~10-40 events per peer, within a few seconds.
 */

export interface RateWindow {
  points: number;
  durationSeconds: number;
}

export interface SignalingLimits {
  /** Largest socket.io message accepted (engine.io `maxHttpBufferSize`); larger ones close the connection. */
  maxMessageBytes: number;
  /** Open connections per instance; further ones are refused with SERVER_FULL. */
  maxConnections: number;
  /** Open connections per client address per instance (several tabs, or one NAT). */
  maxConnectionsPerAddress: number;
  /** New connections per client address per window. */
  connectionRatePerAddress: RateWindow;
  /** Occupied rooms with a peer on this instance; further rooms are refused with SERVER_FULL. */
  maxRooms: number;
  /** Occupied rooms per client address per instance; further joins are refused with RATE_LIMITED. */
  maxRoomsPerAddress: number;
  /** A peer waiting alone in its room with no join, leave or signal for this long is disconnected (ROOM_IDLE). */
  roomIdleSeconds: number;
  /** Events per connection per window; beyond it requests are refused with RATE_LIMITED. */
  eventRatePerConnection: RateWindow;
  /** Events per client address (all its connections) per window. */
  eventRatePerAddress: RateWindow;
  /** A connection exceeding its event rate by this factor is dropped rather than answered. */
  disconnectAfterOverrunFactor: number;
}

export const DEFAULT_LIMITS: SignalingLimits = {
  // The largest valid payload is a 16 KiB SDP plus framing.
  maxMessageBytes: 32 * 1024,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 50,
  connectionRatePerAddress: { points: 60, durationSeconds: 60 },
  maxRooms: 5_000,
  // Without it 100 addresses at their connection cap hold every room; with it 250 addresses are needed.
  maxRoomsPerAddress: 20,
  // Generous for a link sent by chat or mail; still frees the rooms of tabs left open overnight.
  roomIdleSeconds: 60 * 60,
  eventRatePerConnection: { points: 100, durationSeconds: 10 },
  eventRatePerAddress: { points: 1_000, durationSeconds: 10 },
  disconnectAfterOverrunFactor: 2,
};
