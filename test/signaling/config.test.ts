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
      allowedOrigins: [],
      metricsToken: undefined,
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
      MAX_ROOMS_PER_ADDRESS: '4',
      ROOM_IDLE_SECONDS: '600',
      ALLOWED_ORIGINS: 'https://app.example.net, http://localhost:5173,https://EXAMPLE.org:443/',
      METRICS_TOKEN: 'a-long-metrics-token',
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
        maxRoomsPerAddress: 4,
        roomIdleSeconds: 600,
      },
      allowedOrigins: ['https://app.example.net', 'http://localhost:5173', 'https://example.org'],
      metricsToken: 'a-long-metrics-token',
    });
  });

  it('stops on invalid values, naming the variable', () => {
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(() => readConfig({ ROOM_SECRET: 'short' })).toThrow(/ROOM_SECRET/);
    expect(() => readConfig({ REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
    expect(() => readConfig({ MAX_ROOMS: '-1' })).toThrow(/MAX_ROOMS/);
    expect(() => readConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
    expect(() => readConfig({ MAX_ROOMS_PER_ADDRESS: '0' })).toThrow(/MAX_ROOMS_PER_ADDRESS/);
    expect(() => readConfig({ ROOM_IDLE_SECONDS: '1h' })).toThrow(/ROOM_IDLE_SECONDS/);
    expect(() => readConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => readConfig({ METRICS_TOKEN: 'has a space in the middle' })).toThrow(/METRICS_TOKEN/);
    for (const origins of ['app.example.net', 'https://app.example.net/path', 'ftp://files.example.net', 'https://a.example.net,,https://b.example.net', '*']) {
      expect(() => readConfig({ ALLOWED_ORIGINS: origins }), origins).toThrow(/ALLOWED_ORIGINS/);
    }
  });

  it('stops on a variable that is set but blank, instead of taking its default', () => {
    for (const name of ['PORT', 'HOST', 'STATIC_DIR', 'ROOM_SECRET', 'REDIS_URL', 'ICE_SERVERS', 'TURN_TTL_SECONDS', 'MAX_CONNECTIONS', 'MAX_ROOMS',
      'MAX_ROOMS_PER_ADDRESS', 'ROOM_IDLE_SECONDS', 'TRUST_PROXY', 'LOG_LEVEL', 'ALLOWED_ORIGINS', 'METRICS_TOKEN']) {
      for (const blank of ['', ' ']) {
        expect(() => readConfig({ [name]: blank }), `${name}=${JSON.stringify(blank)}`).toThrow(new RegExp(`\\b${name}\\b`));
      }
    }
    expect(() => readConfig({ TURN_URLS: '', TURN_SECRET: '' })).toThrow(/TURN_URLS/);
  });

  it('takes only whole decimal numbers for ports and limits', () => {
    expect(readConfig({ PORT: ' 8080 ' }).port).toBe(8080);
    for (const port of ['0x50', '1e3', '80.5', '-1', '65536']) expect(() => readConfig({ PORT: port }), port).toThrow(/PORT/);
    expect(() => readConfig({ MAX_CONNECTIONS: '1e3' })).toThrow(/MAX_CONNECTIONS/);
  });
});
