/** The two Redis connections an instance needs for the socket.io Redis adapter: commands and subscriptions. */
import { createClient } from 'redis';
import type { Logger } from './logger.ts';

export type RedisClients = Awaited<ReturnType<typeof connectRedis>>;

export async function connectRedis(url: string, logger: Logger) {
  const pubClient = createClient({ url });
  const subClient = pubClient.duplicate();
  for (const [role, client] of [['commands', pubClient], ['subscriptions', subClient]] as const) {
    // node-redis reconnects by itself; without a listener an 'error' event would crash the process.
    client.on('error', (error: unknown) => logger.error({ err: error, role }, 'redis connection error'));
  }
  await Promise.all([pubClient.connect(), subClient.connect()]);
  return {
    pubClient,
    subClient,
    /** Closes gracefully when connected; while Redis is unreachable a graceful close would wait for it. */
    async close() {
      await Promise.allSettled(
        [pubClient, subClient].map(async (client) => (client.isReady ? client.close() : client.destroy())),
      );
    },
  };
}
