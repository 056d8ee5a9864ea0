/**
 * Plain HTTP routes beside socket.io: `GET /healthz` (JSON), `GET /metrics` (Prometheus text) and
 * the built web app, where any unknown path (an SPA route such as `/r/<roomId>`) gets index.html.
 *
 * `/metrics` tells anyone who reads it how busy the server is and how it refuses whom, so it
 * answers only a scraper holding the metrics token (`Authorization: Bearer <token>`); without a
 * configured token it does not exist.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import type { Registry } from 'prom-client';

export interface Health {
  ok: boolean;
  [detail: string]: unknown;
}

export interface HttpRouteOptions {
  metrics: Registry;
  /** Bearer token `GET /metrics` requires; without one `/metrics` answers 404. */
  metricsToken?: string;
  health: () => Health;
  /** Directory of the built web app; without it only the health and metrics routes answer. */
  staticDir?: string;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createHttpRoutes(options: HttpRouteOptions): RequestHandler {
  const serveApp = options.staticDir ? sirv(options.staticDir, { single: true, etag: true }) : null;
  const notFound = (res: ServerResponse) => sendText(res, 404, 'text/plain; charset=utf-8', 'not found\n');

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const readOnly = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && readOnly) {
      const health = options.health();
      sendText(res, health.ok ? 200 : 503, 'application/json', JSON.stringify(health));
    } else if (path === '/metrics' && readOnly) {
      if (!options.metricsToken) return notFound(res);
      if (!hasBearerToken(req, options.metricsToken)) {
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        return sendText(res, 401, 'text/plain; charset=utf-8', 'metrics need a bearer token\n');
      }
      options.metrics.metrics().then(
        (text) => sendText(res, 200, options.metrics.contentType, text),
        () => sendText(res, 500, 'text/plain; charset=utf-8', 'metrics unavailable\n'),
      );
    } else if (serveApp && readOnly) {
      serveApp(req, res, () => notFound(res));
    } else {
      notFound(res);
    }
  };
}

function hasBearerToken(req: IncomingMessage, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (presented === undefined) return false;
  // Digests have equal lengths, so the comparison takes the same time whatever was presented.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}
