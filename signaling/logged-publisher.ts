/**
 * The Redis adapter publishes every broadcast (`io.to(room).emit(...)`) without waiting for the
 * result, so a publish that fails (Redis unreachable, or its client already closed while the
 * server shuts down) would be an unhandled rejection, which ends a Node process. The adapter gets
 * this view of the command client instead: a failed publish is logged and the broadcast lost, as
 * it is whenever Redis is down, and the server carries on.
 */
import type { Logger } from './logger.ts';

export function loggedPublisher<C extends object>(client: C, logger: Logger): C {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== 'publish') return value.bind(target);
      return (...args: unknown[]) =>
        Promise.resolve(value.apply(target, args)).catch((error: unknown) => {
          logger.warn({ err: error }, 'a broadcast could not be published to Redis');
          return 0;
        });
    },
  });
}
