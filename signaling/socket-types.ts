/** The signaling server's socket.io types, bound to the shared event maps. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, RoomId, ServerToClientEvents } from '../shared/events.ts';

/** Per-connection state. Kept serialisable: the Redis adapter ships it to other instances in fetchSockets(). */
export interface SocketData {
  /** The key per-address limits count this client by: its IPv4 address or IPv6 /64 (address-key.ts). */
  address: string;
  /** The room this socket holds a seat in, if any. */
  roomId: RoomId | null;
}

export type InterServerEvents = Record<string, never>;
export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
