/**
 * Per-connection and per-address rate limits (rate-limiter-flexible, in process memory: each
 * instance limits what reaches it; a load balancer spreads one address over few instances).
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { SignalingFailure } from './errors.ts';
import type { RateWindow, SignalingLimits } from './limits.ts';

export type EventRateVerdict = 'allowed' | 'refused' | 'drop-connection';

export interface SignalingRateLimits {
  /** Counts one new connection from `address`; throws RATE_LIMITED past the window's allowance. */
  admitConnection(address: string): Promise<void>;
  /** Counts one event; "drop-connection" when the connection keeps going far past its allowance. */
  admitEvent(connectionId: string, address: string): Promise<EventRateVerdict>;
  forgetConnection(connectionId: string): void;
}

export function createRateLimits(limits: SignalingLimits): SignalingRateLimits {
  const limiter = (window: RateWindow) =>
    new RateLimiterMemory({ points: window.points, duration: window.durationSeconds });
  const connections = limiter(limits.connectionRatePerAddress);
  const perConnection = limiter(limits.eventRatePerConnection);
  const perAddress = limiter(limits.eventRatePerAddress);
  const dropAbove = limits.eventRatePerConnection.points * limits.disconnectAfterOverrunFactor;

  return {
    async admitConnection(address) {
      try {
        await connections.consume(address);
      } catch (error) {
        throw asRateFailure(error, 'too many new connections from this address');
      }
    },
    async admitEvent(connectionId, address) {
      try {
        await Promise.all([perConnection.consume(connectionId), perAddress.consume(address)]);
        return 'allowed';
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const overrun = await perConnection.get(connectionId);
        return overrun && overrun.consumedPoints > dropAbove ? 'drop-connection' : 'refused';
      }
    },
    forgetConnection(connectionId) {
      void perConnection.delete(connectionId);
    },
  };
}

function asRateFailure(error: unknown, message: string): unknown {
  return error instanceof RateLimiterRes ? new SignalingFailure('RATE_LIMITED', message) : error;
}
