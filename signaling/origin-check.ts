/**
 * Which browser pages may open a socket.io session: the app's own origin (the page's origin has
 * the host the request was sent to, its Host header) and any origin listed in ALLOWED_ORIGINS.
 *
 * A WebSocket has no same-origin policy, and a long-polling POST is a "simple" request a
 * foreign page may send, so without this check any web page could open sessions with its
 * visitors' browsers (and their addresses). Browsers always send Origin on a cross-origin
 * request and on every WebSocket; a request without it is a same-origin polling GET or a
 * non-browser client, which can forge any header anyway, so it is let through.
 */
import type { IncomingMessage } from 'node:http';

export type OriginCheck = (req: IncomingMessage) => boolean;

/** `origins`: serialized origins such as `https://app.example.net` (as `URL.origin` writes them). */
export function createOriginCheck(origins: readonly string[]): OriginCheck {
  const allowed = new Set(origins);
  return (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (allowed.has(origin)) return true;
    return isOwnOrigin(origin, req.headers.host);
  };
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const page = new URL(origin);
    if (page.protocol !== 'http:' && page.protocol !== 'https:') return false;
    // The Host header carries a port only when it is not the scheme's default; URL drops it alike.
    // The scheme is the page's: behind a TLS-terminating proxy the request itself is plain HTTP.
    return page.host === new URL(`${page.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
