/**
 * The server's configuration from environment variables, validated at start-up so that a typo
 * stops the server with a clear message instead of running with a surprise default. A variable
 * is either unset (its default applies) or valid: set but blank is a mistake too (`HOST=` from
 * an unset template variable must not mean "all interfaces", nor `PORT=` "any free port").
 * Every variable and its default is listed in README.md, "Configuration".
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { IceServer } from '../shared/events.ts';
import { DEFAULT_TURN_TTL_SECONDS, hasTurnServer, type IceConfig } from './ice-config.ts';
import { DEFAULT_LIMITS, type SignalingLimits } from './limits.ts';
import { MIN_ROOM_SECRET_BYTES } from './room-id.ts';

export interface ServerConfig {
  port: number;
  host: string | undefined;
  staticDir: string;
  /** Undefined: a random secret per process (room links die with the process). */
  roomSecret: string | undefined;
  redisUrl: string | undefined;
  ice: IceConfig;
  limits: SignalingLimits;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean;
  /** Origins besides the server's own whose pages may connect. */
  allowedOrigins: string[];
  /** Bearer token for `GET /metrics`; undefined: `/metrics` answers 404. */
  metricsToken: string | undefined;
}

const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

const wholeNumber = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number);
const count = (fallback: number) => wholeNumber.pipe(z.number().int().positive()).optional().transform((n) => n ?? fallback);
const flag = z.enum(['true', 'false', '1', '0']).default('false').transform((value) => value === 'true' || value === '1');
const optionalText = z.string().trim().min(1, 'must not be blank').optional();
/** At least 16 characters a header can carry (no spaces). */
const MIN_METRICS_TOKEN_LENGTH = 16;

/** `https://app.example.net` or `http://localhost:5173`: scheme, host and port, nothing more. */
const origin = z
  .string()
  .trim()
  .transform((text, ctx) => {
    try {
      const url = new URL(text);
      const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
      if ((url.protocol === 'http:' || url.protocol === 'https:') && bare) return url.origin;
    } catch {
      // Reported below.
    }
    ctx.addIssue({ code: 'custom', message: `"${text.slice(0, 100)}" is not an origin such as https://app.example.net` });
    return z.NEVER;
  });
const originList = z
  .string()
  .transform((text) => text.split(','))
  .pipe(z.array(origin).min(1));

const iceServer = z.strictObject({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
}) satisfies z.ZodType<IceServer>;

const iceServersJson = z
  .string()
  .default('[]')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(iceServer));

const envSchema = z
  .object({
    PORT: wholeNumber.pipe(z.number().int().max(65_535)).default(3000),
    HOST: optionalText,
    STATIC_DIR: z.string().trim().min(1, 'must not be blank').default(DEFAULT_STATIC_DIR),
    ROOM_SECRET: z
      .string()
      .refine((s) => Buffer.byteLength(s) >= MIN_ROOM_SECRET_BYTES, `must be at least ${MIN_ROOM_SECRET_BYTES} bytes`)
      .optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    ICE_SERVERS: iceServersJson,
    TURN_URLS: optionalText,
    TURN_SECRET: optionalText,
    TURN_TTL_SECONDS: count(DEFAULT_TURN_TTL_SECONDS),
    ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
    MAX_CONNECTIONS: count(DEFAULT_LIMITS.maxConnections),
    MAX_CONNECTIONS_PER_ADDRESS: count(DEFAULT_LIMITS.maxConnectionsPerAddress),
    MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE: count(DEFAULT_LIMITS.connectionRatePerAddress.points),
    MAX_ROOMS: count(DEFAULT_LIMITS.maxRooms),
    MAX_EVENTS_PER_CONNECTION_PER_10S: count(DEFAULT_LIMITS.eventRatePerConnection.points),
    MAX_EVENTS_PER_ADDRESS_PER_10S: count(DEFAULT_LIMITS.eventRatePerAddress.points),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: flag,
    ALLOWED_ORIGINS: originList.optional(),
    METRICS_TOKEN: z
      .string()
      .regex(/^\S+$/, 'must not contain spaces')
      .min(MIN_METRICS_TOKEN_LENGTH, `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`)
      .optional(),
    MAX_ROOMS_PER_ADDRESS: count(DEFAULT_LIMITS.maxRoomsPerAddress),
    ROOM_IDLE_SECONDS: count(DEFAULT_LIMITS.roomIdleSeconds),
  })
  .refine((env) => !env.TURN_URLS === !env.TURN_SECRET, {
    message: 'TURN_URLS and TURN_SECRET must be set together',
    path: ['TURN_SECRET'],
  })
  .refine((env) => env.ICE_TRANSPORT_POLICY === 'all' || Boolean(env.TURN_URLS) || hasTurnServer({ staticServers: env.ICE_SERVERS }), {
    message: 'relay needs a TURN server (TURN_URLS + TURN_SECRET, or a turn: entry in ICE_SERVERS)',
    path: ['ICE_TRANSPORT_POLICY'],
  });

export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const tenSeconds = (points: number) => ({ points, durationSeconds: 10 });
  return {
    port: e.PORT,
    host: e.HOST,
    staticDir: e.STATIC_DIR,
    roomSecret: e.ROOM_SECRET,
    redisUrl: e.REDIS_URL,
    ice: {
      staticServers: e.ICE_SERVERS,
      ...(e.TURN_URLS && e.TURN_SECRET
        ? { turn: { urls: e.TURN_URLS.split(',').map((url) => url.trim()).filter(Boolean), secret: e.TURN_SECRET, ttlSeconds: e.TURN_TTL_SECONDS } }
        : {}),
      transportPolicy: e.ICE_TRANSPORT_POLICY,
    },
    limits: {
      ...DEFAULT_LIMITS,
      maxConnections: e.MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
      connectionRatePerAddress: { points: e.MAX_NEW_CONNECTIONS_PER_ADDRESS_PER_MINUTE, durationSeconds: 60 },
      maxRooms: e.MAX_ROOMS,
      maxRoomsPerAddress: e.MAX_ROOMS_PER_ADDRESS,
      roomIdleSeconds: e.ROOM_IDLE_SECONDS,
      eventRatePerConnection: tenSeconds(e.MAX_EVENTS_PER_CONNECTION_PER_10S),
      eventRatePerAddress: tenSeconds(e.MAX_EVENTS_PER_ADDRESS_PER_10S),
    },
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    allowedOrigins: e.ALLOWED_ORIGINS ?? [],
    metricsToken: e.METRICS_TOKEN,
  };
}
