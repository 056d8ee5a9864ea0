/**
 * Test harness: the real signaling server on an ephemeral port and real, typed socket.io clients.
 * Everything started through a harness is closed by `harness.closeAll()` (call it in afterEach).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket as ClientSocket, type SocketOptions, type ManagerOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import { createSignalingServer, type SignalingServerOptions } from '../../signaling/app.ts';
import { createLogger } from '../../signaling/logger.ts';
import type { SignalingIo } from '../../signaling/socket-types.ts';

export type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

export const EVENT_TIMEOUT_MS = 2_000;

export interface RunningServer {
  url: string;
  io: SignalingIo;
}

export class Harness {
  private readonly servers: SignalingIo[] = [];
  private readonly clients: ClientSocket[] = [];
  private readonly cleanups: (() => Promise<void>)[] = [];

  /** Runs `cleanup` in closeAll(), after clients and servers are closed, latest first. */
  onClose(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async startServer(options: SignalingServerOptions = {}): Promise<RunningServer> {
    const httpServer = createServer();
    const io = createSignalingServer(httpServer, { logger: createLogger('silent'), ...options });
    this.servers.push(io);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = httpServer.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, io };
  }

  /** A client that is not yet connected (for tests of refused connections). */
  client(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Client {
    const socket: Client = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
    this.clients.push(socket);
    return socket;
  }

  async connectedClient(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Client> {
    const socket = this.client(url, options);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      }),
      'connect',
    );
    return socket;
  }

  async closeAll(): Promise<void> {
    for (const client of this.clients.splice(0)) client.disconnect();
    await Promise.all(this.servers.splice(0).map((io) => new Promise<void>((resolve) => io.close(() => resolve()))));
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
  }
}

export function withTimeout<T>(promise: Promise<T>, what: string, ms = EVENT_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The next `event` the client receives. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: Client,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return withTimeout(
    new Promise((resolve) => {
      socket.once(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => resolve(payload)) as never);
    }),
    event,
  );
}

/** Resolves when the server closes the client's connection. */
export function disconnection(socket: Client): Promise<string> {
  return withTimeout(new Promise((resolve) => socket.once('disconnect', resolve)), 'disconnect');
}

/** Resolves with the reply if `event` is received within `ms`, or null if it is not. */
export function eventWithin<E extends keyof ServerToClientEvents>(socket: Client, event: E, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = (payload: unknown) => {
      clearTimeout(timer);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      resolve(null);
    }, ms);
    socket.once(event, listener as never);
  });
}

/** 'connected', or 'refused' when the handshake fails. */
export function outcome(client: Client): Promise<'connected' | 'refused'> {
  return withTimeout(
    new Promise((resolve) => {
      client.once('connect', () => resolve('connected'));
      client.once('connect_error', () => resolve('refused'));
    }),
    'handshake outcome',
  );
}
