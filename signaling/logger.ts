/**
 * Structured JSON logs (pino). Log ids, codes and counts only: SDP and ICE candidates carry the
 * peers' IP addresses and are never logged.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({ level, base: { service: 'pixeldrop-signaling' } });
}
