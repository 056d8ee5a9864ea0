/**
 * Prometheus metrics for `GET /metrics` (prom-client). Each server gets its own registry, so
 * several servers in one process (tests, benchmarks) do not mix their counts.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SignalingErrorCode } from '../shared/events.ts';

export interface MetricSources {
  connections(): number;
  rooms(): number;
}

export interface SignalingMetrics {
  registry: Registry;
  roomsCreated: Counter;
  joins: Counter;
  signalsRelayed: Counter;
  rejections: Counter<'code'>;
}

export function createMetrics(sources: MetricSources): SignalingMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'pixeldrop_connections',
    help: 'Open socket.io connections on this instance',
    registers: [registry],
    collect() {
      this.set(sources.connections());
    },
  });
  new Gauge({
    name: 'pixeldrop_rooms',
    help: 'Rooms with at least one peer connected to this instance',
    registers: [registry],
    collect() {
      this.set(sources.rooms());
    },
  });
  return {
    registry,
    roomsCreated: new Counter({ name: 'pixeldrop_rooms_created_total', help: 'Room ids issued', registers: [registry] }),
    joins: new Counter({ name: 'pixeldrop_joins_total', help: 'Successful room joins', registers: [registry] }),
    signalsRelayed: new Counter({
      name: 'pixeldrop_signals_relayed_total',
      help: 'WebRTC signals (offers, answers, candidates) relayed between peers',
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'pixeldrop_rejections_total',
      help: 'Requests and connections refused, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

export function countRejection(metrics: SignalingMetrics, code: SignalingErrorCode): void {
  metrics.rejections.inc({ code });
}
