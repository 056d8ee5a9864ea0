/** Two routes: the landing page and a room page at `/r/<roomId>`; history API, no library. */

export type Route = { page: 'landing' } | { page: 'room'; roomId: string };

const ROOM_PATH = /^\/r\/([^/]+)\/?$/;

export function parseRoute(pathname: string): Route {
  const match = ROOM_PATH.exec(pathname);
  return match ? { page: 'room', roomId: decodeURIComponent(match[1]!) } : { page: 'landing' };
}

export function roomPath(roomId: string): string {
  return `/r/${encodeURIComponent(roomId)}`;
}

export class Router {
  route = $state<Route>(parseRoute(location.pathname));

  constructor() {
    window.addEventListener('popstate', () => (this.route = parseRoute(location.pathname)));
  }

  navigate(path: string): void {
    history.pushState(null, '', path);
    this.route = parseRoute(path);
  }
}
