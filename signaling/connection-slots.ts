/**
 * Connection caps (per instance and per client address), counted from the moment a handshake
 * is admitted rather than once it completes: admission awaits the rate limiter, and handshakes
 * admitted side by side (one polling request may carry many CONNECT packets) would otherwise
 * all see the same count and all get in.
 */
import type { SignalingErrorCode } from '../shared/events.ts';

export type SlotRefusal = { code: Extract<SignalingErrorCode, 'SERVER_FULL' | 'RATE_LIMITED'>; message: string };

export interface ConnectionSlots {
  /** Takes a slot for `address`, or says why not. The returned release is idempotent. */
  reserve(address: string): { release: () => void } | SlotRefusal;
}

export function createConnectionSlots(limits: { maxConnections: number; maxConnectionsPerAddress: number }): ConnectionSlots {
  let total = 0;
  const byAddress = new Map<string, number>();
  return {
    reserve(address) {
      if (total >= limits.maxConnections) {
        return { code: 'SERVER_FULL', message: 'this server has as many connections as it may take' };
      }
      const open = byAddress.get(address) ?? 0;
      if (open >= limits.maxConnectionsPerAddress) {
        return { code: 'RATE_LIMITED', message: 'too many open connections from this address' };
      }
      total++;
      byAddress.set(address, open + 1);
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          total--;
          const left = (byAddress.get(address) ?? 1) - 1;
          if (left > 0) byAddress.set(address, left);
          else byAddress.delete(address);
        },
      };
    },
  };
}
