/**
 * Entry point (`npm start`, via scripts/start.mjs): reads the environment, starts the signaling
 * server with the built web app on PORT, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSignalingServer } from './app.ts';
import { readConfig, type ServerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { connectRedis } from './redis-clients.ts';

let config: ServerConfig;
try {
  config = readConfig(process.env);
} catch (error) {
  createLogger().fatal({ err: error }, 'not starting: the environment is invalid');
  process.exit(1);
}
const logger = createLogger(config.logLevel);

if (!config.roomSecret) {
  logger.warn('ROOM_SECRET is not set: room links stop working when this process restarts, and other instances reject them');
}
if (config.ice.staticServers.length === 0 && !config.ice.turn) {
  logger.warn('no ICE servers configured: peers connect only where host candidates reach (same network)');
}

const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
const httpServer = createServer();
const io = createSignalingServer(httpServer, {
  roomSecret: config.roomSecret,
  ice: config.ice,
  limits: config.limits,
  logger,
  redis,
  staticDir: config.staticDir,
  trustProxy: config.trustProxy,
  allowedOrigins: config.allowedOrigins,
  metricsToken: config.metricsToken,
});

httpServer.listen(config.port, config.host, () => {
  const { port } = httpServer.address() as AddressInfo;
  logger.info({ port, url: `http://localhost:${port}`, redis: Boolean(redis), turn: Boolean(config.ice.turn) }, 'listening');
});

function shutDown(signal: string): void {
  logger.info({ signal }, 'shutting down');
  io.close(() => {
    void (redis?.close() ?? Promise.resolve()).then(() => process.exit(0));
  });
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);
