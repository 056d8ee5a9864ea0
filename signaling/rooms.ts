/**
 * Rooms: issue ids, seat at most two peers per room, relay signals between the two, and tell
 * each peer when the other arrives or goes. Room membership is the socket.io adapter's (so it
 * spans instances with the Redis adapter); the seat store makes the two-peer cap atomic.
 *
 * Invariant: a peer joins the adapter room before taking a seat and gives up its seat before
 * leaving the adapter room, so every live seat holder is visible to `fetchSockets()`. A seat
 * held by nobody visible was left by a crashed instance and may be reclaimed.
 */
import type { JoinResult, LinkIndex, PeerId, RoomId, SignalData } from '../shared/events.ts';
import { SignalingFailure } from './errors.ts';
import { iceServersFor, type IceConfig } from './ice-config.ts';
import type { Logger } from './logger.ts';
import type { SignalingMetrics } from './metrics.ts';
import type { RoomIdIssuer } from './room-id.ts';
import type { RoomSeats } from './room-seats.ts';
import type { SignalingIo, SignalingSocket } from './socket-types.ts';

export interface RoomServiceDeps {
  io: SignalingIo;
  seats: RoomSeats;
  roomIds: RoomIdIssuer;
  ice: IceConfig;
  maxRooms: number;
  metrics: SignalingMetrics;
  logger: Logger;
}

export interface RoomService {
  create(): RoomId;
  join(socket: SignalingSocket, roomId: string): Promise<JoinResult>;
  leave(socket: SignalingSocket): Promise<void>;
  relay(socket: SignalingSocket, to: PeerId, data: SignalData, link?: LinkIndex): Promise<void>;
  /** Frees the seat of a socket that has disconnected. */
  onDisconnect(socket: SignalingSocket): Promise<void>;
  /** Rooms with a peer on this instance. */
  localRoomCount(): number;
}

export function createRoomService(deps: RoomServiceDeps): RoomService {
  const { io, seats, roomIds, ice, maxRooms, metrics, logger } = deps;
  const adapter = () => io.of('/').adapter;
  // Join, leave and disconnect of one socket run one after another, so a disconnect can never
  // overtake the join it interrupts (which would leave a seat taken by nobody).
  const queues = new WeakMap<SignalingSocket, Promise<unknown>>();

  function serially<T>(socket: SignalingSocket, operation: () => Promise<T>): Promise<T> {
    const result = (queues.get(socket) ?? Promise.resolve()).then(operation);
    queues.set(socket, result.catch(() => undefined));
    return result;
  }

  // Every socket sits in the room named by its own id; the other rooms are pairing rooms.
  const localRoomCount = () => adapter().rooms.size - adapter().sids.size;

  async function releaseSeat(socket: SignalingSocket): Promise<void> {
    const roomId = socket.data.roomId;
    if (!roomId) return;
    socket.data.roomId = null;
    const { released, remaining } = await seats.release(roomId, socket.id);
    socket.leave(roomId);
    if (released && remaining.length > 0) io.to(remaining).emit('peer:left', { peerId: socket.id });
    logger.debug({ event: 'room:leave', peerId: socket.id, roomId }, 'peer left room');
  }

  /** Frees seats whose holders no instance can see any more; true if any was freed. */
  async function reclaimAbandonedSeats(roomId: RoomId): Promise<boolean> {
    const visible = new Set((await io.in(roomId).fetchSockets()).map((peer) => peer.id));
    const abandoned = (await seats.members(roomId)).filter((id) => !visible.has(id));
    for (const peerId of abandoned) {
      const { released, remaining } = await seats.release(roomId, peerId);
      if (released && remaining.length > 0) io.to(remaining).emit('peer:left', { peerId });
    }
    if (abandoned.length > 0) logger.warn({ roomId, reclaimed: abandoned.length }, 'reclaimed abandoned room seats');
    return abandoned.length > 0;
  }

  async function join(socket: SignalingSocket, roomId: RoomId): Promise<JoinResult> {
    if (socket.disconnected) throw new SignalingFailure('NOT_IN_ROOM', 'the connection has closed');
    if (socket.data.roomId === roomId) {
      const peers = (await seats.members(roomId)).filter((id) => id !== socket.id);
      return { selfId: socket.id, peers, iceServers: iceServersFor(ice, socket.id) };
    }
    await releaseSeat(socket);
    if (!adapter().rooms.has(roomId) && localRoomCount() >= maxRooms) {
      throw new SignalingFailure('SERVER_FULL', 'this server holds as many rooms as it may; try again later');
    }
    socket.join(roomId);
    try {
      let claim = await seats.claim(roomId, socket.id);
      if (!claim.ok && (await reclaimAbandonedSeats(roomId))) claim = await seats.claim(roomId, socket.id);
      if (!claim.ok) throw new SignalingFailure('ROOM_FULL', 'this room already has two peers');
      socket.data.roomId = roomId;
      if (claim.seatedBefore.length > 0) io.to(claim.seatedBefore).emit('peer:joined', { peerId: socket.id });
      metrics.joins.inc();
      logger.debug({ event: 'room:join', peerId: socket.id, roomId, peers: claim.seatedBefore.length }, 'peer joined room');
      return { selfId: socket.id, peers: claim.seatedBefore, iceServers: iceServersFor(ice, socket.id) };
    } catch (error) {
      if (socket.data.roomId !== roomId) socket.leave(roomId);
      throw error;
    }
  }

  return {
    create() {
      metrics.roomsCreated.inc();
      return roomIds.issue();
    },
    join(socket, roomId) {
      if (!roomIds.isIssued(roomId)) {
        return Promise.reject(new SignalingFailure('INVALID_ROOM', 'no such room: the link is mistyped or was not issued here'));
      }
      return serially(socket, () => join(socket, roomId));
    },
    leave(socket) {
      return serially(socket, async () => {
        if (!socket.data.roomId) throw new SignalingFailure('NOT_IN_ROOM', 'not in a room');
        await releaseSeat(socket);
      });
    },
    async relay(socket, to, data, link) {
      const roomId = socket.data.roomId;
      if (!roomId) throw new SignalingFailure('NOT_IN_ROOM', 'join a room before signalling');
      if (to === socket.id || !(await seats.isSeated(roomId, to))) {
        throw new SignalingFailure('NOT_IN_ROOM', 'that peer is not in your room');
      }
      io.to(to).emit('signal', { from: socket.id, data, ...(link !== undefined && { link }) });
      metrics.signalsRelayed.inc();
    },
    onDisconnect(socket) {
      return serially(socket, () => releaseSeat(socket));
    },
    localRoomCount,
  };
}
