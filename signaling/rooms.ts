/**
 * Rooms: issue ids, seat at most two peers per room, relay signals between the two, and tell
 * each peer when the other arrives or goes. Room membership is the socket.io adapter's (so it
 * spans instances with the Redis adapter); the seat store makes the two-peer cap atomic.
 *
 * Invariant: a peer joins the adapter room before taking a seat and gives up its seat before
 * leaving the adapter room. This instance renews the seats of its own peers while they sit in
 * their rooms; a seat nobody renews (its instance crashed) lapses in the store, so a join never
 * has to ask the other instances who is really there.
 *
 * Two rules keep a few addresses from occupying every room: each address may occupy at most
 * `maxRoomsPerAddress` rooms, and a peer left waiting alone in its room with no join, leave or
 * signal for `roomIdleSeconds` is told so (`room:closed`, ROOM_IDLE) and disconnected. A room
 * with both seats taken is left alone however quiet it is: once their WebRTC link is up, two
 * peers have nothing left to signal, yet they keep their seats to re-signal if the link drops.
 */
import type { JoinResult, LinkIndex, PeerId, RoomId, SignalData } from '../shared/events.ts';
import { SignalingFailure } from './errors.ts';
import { peerIceConfigFor, type IceConfig } from './ice-config.ts';
import { createIdleWatch } from './idle-watch.ts';
import type { SignalingLimits } from './limits.ts';
import type { Logger } from './logger.ts';
import { countRejection, type SignalingMetrics } from './metrics.ts';
import type { RoomIdIssuer } from './room-id.ts';
import type { RoomSeats } from './room-seats.ts';
import { createRoomsPerAddress } from './rooms-per-address.ts';
import type { SignalingIo, SignalingSocket } from './socket-types.ts';

export interface RoomServiceDeps {
  io: SignalingIo;
  seats: RoomSeats;
  roomIds: RoomIdIssuer;
  ice: IceConfig;
  limits: Pick<SignalingLimits, 'maxRooms' | 'maxRoomsPerAddress' | 'roomIdleSeconds'>;
  /** How often the seats of this instance's peers are renewed; null for a store whose seats never lapse. */
  seatRenewalMs: number | null;
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
  /** Stops the timers (seat renewal, idle clocks). */
  close(): void;
}

export function createRoomService(deps: RoomServiceDeps): RoomService {
  const { io, seats, roomIds, ice, limits, metrics, logger } = deps;
  const adapter = () => io.of('/').adapter;
  const localSocket = (peerId: PeerId) => io.of('/').sockets.get(peerId);
  const roomsPerAddress = createRoomsPerAddress(limits.maxRoomsPerAddress);
  const idle = createIdleWatch(limits.roomIdleSeconds * 1000, (peerId) => {
    const socket = localSocket(peerId);
    if (socket) {
      serially(socket, () => closeIfWaiting(socket)).catch((error: unknown) => {
        logger.error({ err: error, peerId }, 'could not close an idle room');
      });
    }
  });
  /** Restarts the idle clocks of the peers among `peerIds` connected here. */
  const touchLocal = (peerIds: readonly PeerId[]) => {
    for (const peerId of peerIds) if (localSocket(peerId)) idle.touch(peerId);
  };
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
    idle.forget(socket.id);
    roomsPerAddress.vacate(socket.data.address, roomId);
    const { released, remaining } = await seats.release(roomId, socket.id);
    socket.leave(roomId);
    if (released && remaining.length > 0) {
      io.to(remaining).emit('peer:left', { peerId: socket.id });
      touchLocal(remaining);
    }
    logger.debug({ event: 'room:leave', peerId: socket.id, roomId }, 'peer left room');
  }

  /** The idle clock of a seated peer ran out: close its room if the peer still waits there alone. */
  async function closeIfWaiting(socket: SignalingSocket): Promise<void> {
    const roomId = socket.data.roomId;
    if (!roomId || socket.disconnected) return;
    const others = (await seats.members(roomId)).filter((id) => id !== socket.id);
    if (others.length > 0) {
      idle.touch(socket.id);
      return;
    }
    const error = { code: 'ROOM_IDLE', message: 'nobody joined this room for too long; it is closed' } as const;
    socket.emit('room:closed', { error });
    countRejection(metrics, error.code);
    logger.info({ event: 'room:closed', peerId: socket.id, roomId, code: error.code }, 'closing idle room');
    await releaseSeat(socket);
    socket.disconnect(true);
  }

  async function join(socket: SignalingSocket, roomId: RoomId): Promise<JoinResult> {
    if (socket.disconnected) throw new SignalingFailure('NOT_IN_ROOM', 'the connection has closed');
    if (socket.data.roomId === roomId) {
      const peers = (await seats.members(roomId)).filter((id) => id !== socket.id);
      return { selfId: socket.id, peers, ...peerIceConfigFor(ice, socket.id) };
    }
    await releaseSeat(socket);
    if (!adapter().rooms.has(roomId) && localRoomCount() >= limits.maxRooms) {
      throw new SignalingFailure('SERVER_FULL', 'this server holds as many rooms as it may; try again later');
    }
    // Counted before the first await, so parallel joins from one address cannot all pass.
    if (!roomsPerAddress.occupy(socket.data.address, roomId)) {
      throw new SignalingFailure('RATE_LIMITED', 'this address occupies as many rooms as it may; leave one first');
    }
    socket.join(roomId);
    try {
      const claim = await seats.claim(roomId, socket.id);
      if (!claim.ok) throw new SignalingFailure('ROOM_FULL', 'this room already has two peers');
      socket.data.roomId = roomId;
      idle.touch(socket.id);
      if (claim.seatedBefore.length > 0) {
        io.to(claim.seatedBefore).emit('peer:joined', { peerId: socket.id });
        touchLocal(claim.seatedBefore);
      }
      metrics.joins.inc();
      logger.debug({ event: 'room:join', peerId: socket.id, roomId, peers: claim.seatedBefore.length }, 'peer joined room');
      return { selfId: socket.id, peers: claim.seatedBefore, ...peerIceConfigFor(ice, socket.id) };
    } catch (error) {
      if (socket.data.roomId !== roomId) {
        socket.leave(roomId);
        roomsPerAddress.vacate(socket.data.address, roomId);
      }
      throw error;
    }
  }

  async function renewSeats(): Promise<void> {
    const seated = [...io.of('/').sockets.values()].filter((socket) => socket.data.roomId);
    const results = await Promise.allSettled(seated.map((socket) => seats.renew(socket.data.roomId!, socket.id)));
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      logger.error({ err: failed[0]?.reason, failed: failed.length, seats: seated.length }, 'could not renew room seats');
    }
  }
  let renewal: NodeJS.Timeout | undefined;
  if (deps.seatRenewalMs !== null) {
    renewal = setInterval(() => void renewSeats(), deps.seatRenewalMs);
    renewal.unref();
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
      idle.touch(socket.id);
      touchLocal([to]);
      metrics.signalsRelayed.inc();
    },
    onDisconnect(socket) {
      return serially(socket, () => releaseSeat(socket));
    },
    localRoomCount,
    close() {
      clearInterval(renewal);
      idle.close();
    },
  };
}
