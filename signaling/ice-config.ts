/**
 * ICE servers handed to each peer on join: static entries (`ICE_SERVERS`) plus, when a TURN
 * secret is configured, one TURN entry with short-lived credentials in coturn's shared-secret
 * scheme ("TURN REST API", coturn's `use-auth-secret` / `static-auth-secret`):
 *
 *   username   = "<unix expiry seconds>:<user id>"
 *   credential = base64(HMAC-SHA1(secret, username))
 *
 * coturn recomputes the HMAC and refuses the username once its expiry has passed, so a leaked
 * credential is only good until then. No public STUN server is configured by default.
 */
import { createHmac } from 'node:crypto';
import type { IceServer, PeerId } from '../shared/events.ts';

export interface TurnConfig {
  urls: string[];
  secret: string;
  /** Credential lifetime in seconds. */
  ttlSeconds: number;
}

export interface IceConfig {
  /** Entries handed out as they are (for instance STUN servers, or TURN with fixed credentials). */
  staticServers: IceServer[];
  turn?: TurnConfig;
}

/** Default TURN credential lifetime: long enough for one sharing session, short enough to expire the same day. */
export const DEFAULT_TURN_TTL_SECONDS = 4 * 60 * 60;

export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** The ICE servers for one peer, with TURN credentials valid from `nowMs` for the configured lifetime. */
export function iceServersFor(config: IceConfig, peerId: PeerId, nowMs = Date.now()): IceServer[] {
  if (!config.turn) return config.staticServers;
  const expiry = Math.floor(nowMs / 1000) + config.turn.ttlSeconds;
  const username = `${expiry}:${peerId}`;
  return [
    ...config.staticServers,
    { urls: config.turn.urls, username, credential: turnCredential(config.turn.secret, username) },
  ];
}
