import { describe, expect, it } from 'vitest';
import { readConfig } from '../../signaling/config.ts';
import { DEFAULT_LIMITS } from '../../signaling/limits.ts';

describe('configuration from the environment', () => {
  it('has working defaults for everything', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: undefined,
      roomSecret: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      trustProxy: false,
      limits: DEFAULT_LIMITS,
    });
    expect(config.staticDir).toMatch(/web[\\/]dist$/);
  });

  it('reads every variable', () => {
    const config = readConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      STATIC_DIR: '/srv/app',
      ROOM_SECRET: 'x'.repeat(32),
      REDIS_URL: 'redis://cache:6379',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'true',
      MAX_CONNECTIONS: '100',
      MAX_CONNECTIONS_PER_ADDRESS: '3',
      MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '9',
      MAX_ROOMS: '40',
      MAX_EVENTS_PER_CONNECTION_PER_10S: '20',
      MAX_EVENTS_PER_ADDRESS_PER_10S: '200',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      staticDir: '/srv/app',
      roomSecret: 'x'.repeat(32),
      redisUrl: 'redis://cache:6379',
      logLevel: 'warn',
      trustProxy: true,
      limits: {
        maxConnections: 100,
        maxConnectionsPerAddress: 3,
        connectionRatePerAddress: { points: 9, durationSeconds: 60 },
        maxRooms: 40,
        eventRatePerConnection: { points: 20, durationSeconds: 10 },
        eventRatePerAddress: { points: 200, durationSeconds: 10 },
      },
    });
  });

  it('stops on invalid values, naming the variable', () => {
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(() => readConfig({ ROOM_SECRET: 'short' })).toThrow(/ROOM_SECRET/);
    expect(() => readConfig({ REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
    expect(() => readConfig({ MAX_ROOMS: '-1' })).toThrow(/MAX_ROOMS/);
    expect(() => readConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });
});
