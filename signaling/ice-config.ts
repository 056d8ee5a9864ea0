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
 *
 * With the `relay` transport policy a browser gathers relay candidates only, so neither its
 * private address nor its router's public one reaches the other side (Chromium also blanks the
 * related address of a relay candidate when reflexive candidates are filtered out).
 */
import { createHmac } from 'node:crypto';
import type { IceServer, IceTransportPolicy, PeerIceConfig, PeerId } from '../shared/events.ts';

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
  /** `relay`: peers use TURN only and never show the other side their addresses. Default `all`. */
  transportPolicy?: IceTransportPolicy;
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

/** Everything a joining peer needs for its RTCPeerConnection. */
export function peerIceConfigFor(config: IceConfig, peerId: PeerId, nowMs = Date.now()): PeerIceConfig {
  return { iceServers: iceServersFor(config, peerId, nowMs), iceTransportPolicy: config.transportPolicy ?? 'all' };
}

/** True when some ICE server is a TURN server, which the `relay` policy cannot do without. */
export function hasTurnServer(config: IceConfig): boolean {
  const urls = config.staticServers.flatMap((server) => server.urls);
  return config.turn !== undefined || urls.some((url) => /^turns?:/i.test(url.trim()));
}
