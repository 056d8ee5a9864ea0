/**
 * `createSignalingServer(httpServer, options)`: attaches the Pixeldrop signaling server (socket.io
 * plus `/healthz`, `/metrics` and the built web app) to an `http.Server` and returns the socket.io
 * server. It neither listens nor reads the environment; `main.ts` does both.
 */
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import type { ClientToServerEvents, SignalingErrorCode } from '../shared/events.ts';
import { addressKey } from './address-key.ts';
import { clientAddress } from './client-address.ts';
import { createConnectionSlots } from './connection-slots.ts';
import { SignalingFailure } from './errors.ts';
import { createHttpRoutes, type Health } from './http-routes.ts';
import type { IceConfig } from './ice-config.ts';
import { DEFAULT_LIMITS, type SignalingLimits } from './limits.ts';
import { createLogger, type Logger } from './logger.ts';
import { loggedPublisher } from './logged-publisher.ts';
import { countRejection, createMetrics } from './metrics.ts';
import { createOriginCheck } from './origin-check.ts';
import { createRateLimits } from './rate-limit.ts';
import { createRedisRoomSeats, DEFAULT_SEAT_LEASE_SECONDS, type RedisCommandSender } from './redis-room-seats.ts';
import { createRoomIdIssuer } from './room-id.ts';
import { createMemoryRoomSeats } from './room-seats.ts';
import { createRoomService } from './rooms.ts';
import { isClientEventName, payloadSchemas, type ClientEventName } from './schemas.ts';
import type { SignalingIo, SignalingSocket } from './socket-types.ts';

/** A connected node-redis client (or anything with the same `sendCommand`/pub-sub surface). */
export type RedisClient = RedisCommandSender & { isReady?: boolean };

export interface SignalingServerOptions {
  /** Secret that signs room ids; instances behind one load balancer must share it. Default: random per process. */
  roomSecret?: string | Uint8Array;
  /** ICE servers handed to peers on join. Default: none (no public STUN server is contacted). */
  ice?: IceConfig;
  /** Abuse limits; unset fields keep `DEFAULT_LIMITS`. */
  limits?: Partial<SignalingLimits>;
  /** Default: JSON logs at level "info" on stdout. */
  logger?: Logger;
  /** Share rooms with other instances through Redis: two connected clients, one of them for subscriptions. */
  redis?: { pubClient: RedisClient; subClient: RedisClient };
  /** Directory of the built web app to serve; SPA routes answer with its index.html. */
  staticDir?: string;
  /** Take the client address from X-Forwarded-For (set when behind one reverse proxy). Default false. */
  trustProxy?: boolean;
  /**
   * Origins (`https://app.example.net`) whose pages may connect besides the server's own (the
   * origin whose host is the request's Host header). Default: none.
   */
  allowedOrigins?: readonly string[];
  /** Bearer token that `GET /metrics` requires. Default: none, and `/metrics` answers 404. */
  metricsToken?: string;
  /** With Redis: how long a seat outlives its last renewal (renewed every third of it). Default 45 s. */
  seatLeaseSeconds?: number;
}

type Payload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
type AckReply<E extends ClientEventName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
type AckBody<E extends ClientEventName> = Omit<Extract<AckReply<E>, { ok: true }>, 'ok'>;
type EventHandlers = { [E in ClientEventName]: (socket: SignalingSocket, payload: Payload<E>) => Promise<AckBody<E>> };

export function createSignalingServer(httpServer: HttpServer, options: SignalingServerOptions = {}): SignalingIo {
  const limits: SignalingLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.logger ?? createLogger();
  const trustProxy = options.trustProxy ?? false;
  const startedAt = Date.now();

  const metrics = createMetrics({
    connections: () => io.of('/').sockets.size,
    rooms: () => rooms.localRoomCount(),
  });
  const health = (): Health => {
    const redisReady = options.redis ? options.redis.pubClient.isReady !== false && options.redis.subClient.isReady !== false : null;
    return {
      ok: redisReady !== false,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      connections: io.of('/').sockets.size,
      rooms: rooms.localRoomCount(),
      redis: redisReady === null ? 'disabled' : redisReady ? 'ready' : 'unavailable',
    };
  };
  // HTTP routes go on before socket.io attaches: engine.io wraps the listeners already present
  // so they never see its own `/socket.io/` requests.
  httpServer.on(
    'request',
    createHttpRoutes({ metrics: metrics.registry, metricsToken: options.metricsToken, staticDir: options.staticDir, health }),
  );

  const originAllowed = createOriginCheck(options.allowedOrigins ?? []);
  const io: SignalingIo = new Server(httpServer, {
    maxHttpBufferSize: limits.maxMessageBytes,
    serveClient: false,
    // Runs on every handshake (a request without a session id), polling or WebSocket; a refused
    // one gets HTTP 403 or 400. Later requests of a session need its id, which a foreign page cannot read.
    allowRequest: (req, callback) => {
      if (originAllowed(req)) return callback(null, true);
      logger.info({ event: 'handshake-refused', origin: req.headers.origin?.slice(0, 200) }, 'refusing a handshake from a foreign origin');
      callback('origin not allowed', false);
    },
    ...(options.redis ? { adapter: createAdapter(loggedPublisher(options.redis.pubClient, logger), options.redis.subClient) } : {}),
  });
  const seatLeaseSeconds = options.seatLeaseSeconds ?? DEFAULT_SEAT_LEASE_SECONDS;
  const rooms = createRoomService({
    io,
    seats: options.redis ? createRedisRoomSeats(options.redis.pubClient, { leaseSeconds: seatLeaseSeconds }) : createMemoryRoomSeats(),
    seatRenewalMs: options.redis ? (seatLeaseSeconds * 1000) / 3 : null,
    roomIds: createRoomIdIssuer(options.roomSecret ?? randomBytes(32)),
    ice: options.ice ?? { staticServers: [] },
    limits,
    metrics,
    logger,
  });
  httpServer.once('close', () => rooms.close());
  const rateLimits = createRateLimits(limits);
  const slots = createConnectionSlots(limits);

  const handlers: EventHandlers = {
    'room:create': async () => ({ roomId: rooms.create() }),
    'room:join': (socket, { roomId }) => rooms.join(socket, roomId),
    signal: async (socket, { to, data, link }) => {
      await rooms.relay(socket, to, data, link);
      return {};
    },
    'room:leave': async (socket) => {
      await rooms.leave(socket);
      return {};
    },
  };

  function refuseConnection(code: SignalingErrorCode, message: string): Error {
    countRejection(metrics, code);
    return Object.assign(new Error(message), { data: { code, message } });
  }

  io.use((socket, next) => {
    const address = addressKey(clientAddress(socket.handshake, trustProxy));
    socket.data.address = address;
    socket.data.roomId = null;
    // The slot is taken before the rate limiter is awaited, so parallel handshakes cannot overshoot the caps.
    const slot = slots.reserve(address);
    if (!('release' in slot)) return next(refuseConnection(slot.code, slot.message));
    rateLimits.admitConnection(address).then(
      () => {
        // socket.io drops a handshake whose connection closed meanwhile, without a disconnect event.
        if (socket.conn.readyState !== 'open') slot.release();
        else socket.once('disconnect', slot.release);
        next();
      },
      (error: unknown) => {
        slot.release();
        const failure = error instanceof SignalingFailure ? error : new SignalingFailure('INTERNAL', 'could not admit the connection');
        next(refuseConnection(failure.code, failure.message));
      },
    );
  });

  io.on('connection', (socket) => {
    logger.debug({ event: 'connect', peerId: socket.id }, 'connected');

    socket.onAny((event: string) => {
      if (isClientEventName(event)) return;
      // Not part of the protocol: a broken or hostile client. Nothing it sends is echoed back.
      dropConnection(socket, 'INVALID_PAYLOAD', 'unknown event');
    });
    for (const event of Object.keys(handlers) as ClientEventName[]) {
      socket.on(event, (...args: unknown[]) => void handleEvent(socket, event, args));
    }
    socket.on('disconnect', (reason) => {
      rateLimits.forgetConnection(socket.id);
      rooms.onDisconnect(socket).catch((error: unknown) => {
        logger.error({ err: error, peerId: socket.id }, 'could not free the seat of a disconnected peer');
      });
      logger.debug({ event: 'disconnect', peerId: socket.id, reason }, 'disconnected');
    });
  });

  function dropConnection(socket: SignalingSocket, code: SignalingErrorCode, reason: string): void {
    countRejection(metrics, code);
    logger.warn({ peerId: socket.id, code, reason }, 'dropping connection');
    socket.disconnect(true);
  }

  async function handleEvent<E extends ClientEventName>(socket: SignalingSocket, event: E, args: unknown[]): Promise<void> {
    const ack = args[1];
    if (args.length !== 2 || typeof ack !== 'function') {
      // Without an acknowledgement callback there is no way to answer with an error code.
      return dropConnection(socket, 'INVALID_PAYLOAD', `${event} needs a payload and an acknowledgement callback`);
    }
    const reply = ack as (reply: AckReply<E>) => void;
    try {
      const verdict = await rateLimits.admitEvent(socket.id, socket.data.address);
      if (verdict === 'drop-connection') return dropConnection(socket, 'RATE_LIMITED', 'event rate far over the limit');
      if (verdict === 'refused') throw new SignalingFailure('RATE_LIMITED', 'too many requests; slow down');
      const parsed = payloadSchemas[event].safeParse(args[0]);
      if (!parsed.success) throw new SignalingFailure('INVALID_PAYLOAD', describeIssue(event, parsed.error.issues));
      const body = await handlers[event](socket, parsed.data as Payload<E>);
      reply({ ok: true, ...body } as AckReply<E>);
    } catch (error) {
      const failure = error instanceof SignalingFailure ? error : new SignalingFailure('INTERNAL', 'the server could not complete the request', { cause: error });
      if (failure.code === 'INTERNAL') logger.error({ err: error, event, peerId: socket.id }, 'request failed');
      else logger.info({ event, peerId: socket.id, code: failure.code }, 'request refused');
      countRejection(metrics, failure.code);
      reply({ ok: false, error: failure.toJSON() } as AckReply<E>);
    }
  }

  return io;
}

/** The first schema issue, by path and message only: the offending value is never echoed. */
function describeIssue(event: string, issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (!issue) return `invalid ${event} payload`;
  const path = issue.path.map(String).join('.');
  return `invalid ${event} payload${path ? ` at ${path}` : ''}: ${issue.message}`;
}
