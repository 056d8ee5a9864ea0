/**
 * Room seats: the atomic capacity guard. socket.io's adapter knows who is in a room on every
 * instance, but two joins racing on two instances could both see one peer and both get in; a
 * seat store decides atomically who gets the second seat.
 *
 * The in-memory store serves a single instance; `redis-room-seats.ts` serves several.
 */
import type { PeerId, RoomId } from '../shared/events.ts';

/** Two peers per room: one sender, one receiver. */
export const ROOM_CAPACITY = 2;

export type ClaimResult = { ok: true; seatedBefore: PeerId[] } | { ok: false };

export interface RoomSeats {
  /** Seats `peerId` if the room has a free seat; on success lists the peers seated before it. */
  claim(roomId: RoomId, peerId: PeerId): Promise<ClaimResult>;
  /** Says that `peerId` still sits in the room (a store shared by instances lets unrenewed seats lapse). */
  renew(roomId: RoomId, peerId: PeerId): Promise<void>;
  /** Frees `peerId`'s seat; `released` is false if it held none. Empty rooms are forgotten. */
  release(roomId: RoomId, peerId: PeerId): Promise<{ released: boolean; remaining: PeerId[] }>;
  members(roomId: RoomId): Promise<PeerId[]>;
  isSeated(roomId: RoomId, peerId: PeerId): Promise<boolean>;
}

export function createMemoryRoomSeats(capacity = ROOM_CAPACITY): RoomSeats {
  const rooms = new Map<RoomId, Set<PeerId>>();
  return {
    async claim(roomId, peerId) {
      const seated = rooms.get(roomId) ?? new Set<PeerId>();
      const others = [...seated].filter((id) => id !== peerId);
      if (!seated.has(peerId) && seated.size >= capacity) return { ok: false };
      seated.add(peerId);
      rooms.set(roomId, seated);
      return { ok: true, seatedBefore: others };
    },
    // One process holds both the seats and the sockets: a seat ends with its socket.
    async renew() {},
    async release(roomId, peerId) {
      const seated = rooms.get(roomId);
      const released = seated?.delete(peerId) ?? false;
      if (seated?.size === 0) rooms.delete(roomId);
      return { released, remaining: seated ? [...seated] : [] };
    },
    async members(roomId) {
      return [...(rooms.get(roomId) ?? [])];
    },
    async isSeated(roomId, peerId) {
      return rooms.get(roomId)?.has(peerId) ?? false;
    },
  };
}
