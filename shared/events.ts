/**
 * Socket.io event maps shared by the signaling server and the web app (types only).
 * The server validates every payload at run time; these types say what a valid one is.
 * Documented with examples in docs/protocol.md, part 1.
 */

/** URL-safe room id, at least 128 bits of randomness. Appears in the room link `/r/<roomId>`. */
export type RoomId = string;
/** Id the server gives a connected peer (its socket id). */
export type PeerId = string;

/** An RTCIceServer as handed to RTCPeerConnection. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/**
 * Which candidates a peer may use: `all` (host, server-reflexive and relay), or `relay` only, so
 * that the other side learns the TURN server's address and never this peer's own. The standard
 * `RTCIceTransportPolicy` values, handed to `RTCPeerConnection` as they are.
 */
export type IceTransportPolicy = 'all' | 'relay';

/** What `RTCPeerConnection` needs from the server to reach the other peer. */
export interface PeerIceConfig {
  iceServers: IceServer[];
  iceTransportPolicy: IceTransportPolicy;
}

/** What simple-peer emits on its `signal` event and accepts in `peer.signal()`. */
export type SignalData =
  | { type: 'offer' | 'answer'; sdp: string }
  | {
      type: 'candidate';
      candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null };
    }
  | { type: 'renegotiate'; renegotiate: true };

/**
 * Which of the pair's peer connections a signal belongs to: 0 (the default when absent) is the
 * first, which carries the control channel and the first stripe of the packet channel; 1–7 are
 * further stripes of the packet channel, opened when a sender spreads packets over several
 * connections. The server relays it as is.
 */
export type LinkIndex = number;

export type SignalingErrorCode =
  /** A third peer tried to join a room that already holds two. */
  | 'ROOM_FULL'
  /** The room id is malformed or was not issued by this service. */
  | 'INVALID_ROOM'
  /** The payload failed schema validation or size limits. */
  | 'INVALID_PAYLOAD'
  /** Too many requests from this connection or address. */
  | 'RATE_LIMITED'
  /** The sender is not in a room, or the target peer is not in the sender's room. */
  | 'NOT_IN_ROOM'
  /** The server is at its room or connection cap. */
  | 'SERVER_FULL'
  /** The peer waited alone in its room for too long; the server closed the room and the connection. */
  | 'ROOM_IDLE'
  /** The server failed to complete the request (for instance its Redis store is unreachable); retrying may work. */
  | 'INTERNAL';

export interface SignalingError {
  code: SignalingErrorCode;
  message: string;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: SignalingError };

export interface JoinResult extends PeerIceConfig {
  selfId: PeerId;
  /** Peers already in the room (0 or 1). The newcomer initiates the WebRTC connection. */
  peers: PeerId[];
}

export interface ClientToServerEvents {
  'room:create': (payload: Record<string, never>, ack: (res: Ack<{ roomId: RoomId }>) => void) => void;
  'room:join': (payload: { roomId: RoomId }, ack: (res: Ack<JoinResult>) => void) => void;
  signal: (payload: { to: PeerId; data: SignalData; link?: LinkIndex }, ack: (res: Ack) => void) => void;
  'room:leave': (payload: Record<string, never>, ack: (res: Ack) => void) => void;
}

export interface ServerToClientEvents {
  signal: (payload: { from: PeerId; data: SignalData; link?: LinkIndex }) => void;
  'peer:joined': (payload: { peerId: PeerId }) => void;
  'peer:left': (payload: { peerId: PeerId }) => void;
  /** The server closed your room (just before it closes the connection). */
  'room:closed': (payload: { error: SignalingError }) => void;
}
