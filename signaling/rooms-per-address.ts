/**
 * Occupied rooms per client address (on this instance), so that a few addresses cannot fill
 * the instance's room cap and lock everyone else out. A room counts once for an address however
 * many of its seats the address holds (both peers often share one NAT address).
 */
import type { RoomId } from '../shared/events.ts';

export interface RoomsPerAddress {
  /** Counts a seat of `address` in `roomId`; false (and nothing counted) if that would exceed the cap. */
  occupy(address: string, roomId: RoomId): boolean;
  vacate(address: string, roomId: RoomId): void;
}

export function createRoomsPerAddress(maxRoomsPerAddress: number): RoomsPerAddress {
  const seatsByAddress = new Map<string, Map<RoomId, number>>();
  return {
    occupy(address, roomId) {
      const rooms = seatsByAddress.get(address) ?? new Map<RoomId, number>();
      const seats = rooms.get(roomId) ?? 0;
      if (seats === 0 && rooms.size >= maxRoomsPerAddress) return false;
      rooms.set(roomId, seats + 1);
      seatsByAddress.set(address, rooms);
      return true;
    },
    vacate(address, roomId) {
      const rooms = seatsByAddress.get(address);
      const seats = rooms?.get(roomId);
      if (!rooms || seats === undefined) return;
      if (seats > 1) rooms.set(roomId, seats - 1);
      else rooms.delete(roomId);
      if (rooms.size === 0) seatsByAddress.delete(address);
    },
  };
}
