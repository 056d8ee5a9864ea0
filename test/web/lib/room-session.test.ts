/**
 * RoomSession's decisions (who initiates, when a link is kept, rebuilt or dropped) with the
 * socket.io and simple-peer edges replaced by fakes the test drives by hand.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JoinResult, SignalData } from '../../../shared/events.ts';
import type { PeerLinkHandlers } from '../../../web/src/net/peer-link.ts';
import type { SignalingHandlers } from '../../../web/src/net/signaling-client.ts';

const fakes = vi.hoisted(() => ({
  signaling: [] as Array<{ handlers: SignalingHandlers; joins: Array<(result: JoinResult | Error) => void>; signals: unknown[] }>,
  links: [] as Array<{ initiator: boolean; ice: unknown; handlers: PeerLinkHandlers; open: boolean; stalled: boolean; closed: boolean; signals: unknown[] }>,
}));

vi.mock('../../../web/src/net/signaling-client.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../web/src/net/signaling-client.ts')>();
  class FakeSignalingClient {
    readonly record;
    constructor(handlers: SignalingHandlers) {
      this.record = { handlers, joins: [] as Array<(result: JoinResult | Error) => void>, signals: [] as unknown[] };
      fakes.signaling.push(this.record);
    }
    connected = true;
    join(): Promise<JoinResult> {
      return new Promise((resolve, reject) =>
        this.record.joins.push((result) => (result instanceof Error ? reject(result) : resolve(result))),
      );
    }
    signal(to: string, data: SignalData): Promise<void> {
      this.record.signals.push({ to, data });
      return Promise.resolve();
    }
    close(): void {}
  }
  return { ...original, SignalingClient: FakeSignalingClient };
});

vi.mock('../../../web/src/net/peer-link.ts', () => ({
  PeerLink: class {
    readonly record;
    connection = null;
    constructor(initiator: boolean, ice: unknown, handlers: PeerLinkHandlers) {
      this.record = { initiator, ice, handlers, open: false, stalled: false, closed: false, signals: [] as unknown[] };
      fakes.links.push(this.record);
    }
    get open() {
      return this.record.open && !this.record.closed;
    }
    get stalled() {
      return this.record.stalled;
    }
    signal(data: unknown) {
      this.record.signals.push(data);
    }
    close() {
      this.record.closed = true;
    }
  },
}));

const { RoomSession } = await import('../../../web/src/lib/room-session.svelte.ts');
const { SignalingRequestError } = await import('../../../web/src/net/signaling-client.ts');

const JOINED_ALONE: JoinResult = { selfId: 'me', peers: [], iceServers: [], iceTransportPolicy: 'all' };
const JOINED_WITH_BOB: JoinResult = { selfId: 'me', peers: ['bob'], iceServers: [], iceTransportPolicy: 'all' };
const OFFER: SignalData = { type: 'offer', sdp: 'v=0' };

function listener() {
  return { onLinkOpen: vi.fn(), onLinkClosed: vi.fn() };
}

/** Lets the join promise's continuation run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** A new session whose signaling connects and whose join returns `joined`, settled. */
async function joinedSession(joined: JoinResult | Error) {
  const events = listener();
  const session = new RoomSession('room', events);
  const signaling = fakes.signaling.at(-1)!;
  signaling.handlers.onConnect();
  signaling.joins[0]!(joined);
  await settle();
  return { events, session, signaling };
}

function openLink(index: number) {
  const link = fakes.links[index]!;
  link.open = true;
  link.handlers.onOpen();
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('window', new EventTarget());
  fakes.signaling.length = 0;
  fakes.links.length = 0;
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('RoomSession', () => {
  it('waits alone, then answers the newcomer’s offer and reports the open link', async () => {
    const { events, session, signaling } = await joinedSession(JOINED_ALONE);
    expect(session.status).toBe('waiting');

    signaling.handlers.onPeerJoined('bob');
    expect(session.status).toBe('connecting');
    signaling.handlers.onSignal('bob', OFFER);
    expect(fakes.links).toHaveLength(1);
    expect(fakes.links[0]!.initiator).toBe(false);
    expect(fakes.links[0]!.signals).toEqual([OFFER]);

    openLink(0);
    expect(session.status).toBe('connected');
    expect(events.onLinkOpen).toHaveBeenCalledTimes(1);
    session.dispose();
  });

  it('builds the link with the ICE servers and transport policy the server handed out', async () => {
    const iceServers = [{ urls: 'turn:turn.example.net:3478', username: '1:me', credential: 'c' }];
    const { session } = await joinedSession({ ...JOINED_WITH_BOB, iceServers, iceTransportPolicy: 'relay' });
    expect(fakes.links[0]!.ice).toEqual({ iceServers, iceTransportPolicy: 'relay' });
    session.dispose();
  });

  it('initiates as the newcomer and tries again after the link fails', async () => {
    const { session } = await joinedSession(JOINED_WITH_BOB);
    expect(fakes.links[0]!.initiator).toBe(true);
    expect(session.status).toBe('connecting');

    fakes.links[0]!.handlers.onClose('CONNECTION_FAILED');
    expect(session.failure).toBe('CONNECTION_FAILED');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fakes.links).toHaveLength(2);
    expect(fakes.links[1]!.initiator).toBe(true);
    session.dispose();
  });

  it('keeps an open link through a signaling hiccup on either side', async () => {
    const { events, session, signaling } = await joinedSession(JOINED_WITH_BOB);
    openLink(0);

    // The other side's socket drops and comes back with a new id.
    signaling.handlers.onPeerLeft('bob');
    signaling.handlers.onPeerJoined('bob-again');
    // Our own socket drops and comes back: we join again and find them there.
    signaling.handlers.onDisconnect();
    signaling.handlers.onConnect();
    signaling.joins[1]!({ ...JOINED_WITH_BOB, peers: ['bob-again'] });
    await settle();

    expect(session.status).toBe('connected');
    expect(fakes.links).toHaveLength(1);
    expect(fakes.links[0]!.closed).toBe(false);
    expect(events.onLinkClosed).not.toHaveBeenCalled();
    session.dispose();
  });

  it('gives a returning peer a fresh connection', async () => {
    const { events, session, signaling } = await joinedSession(JOINED_ALONE);
    signaling.handlers.onSignal('bob', OFFER);
    openLink(0);

    // Bob reloads: his connection closes, he leaves, comes back under a new id and offers again.
    fakes.links[0]!.handlers.onClose(undefined);
    signaling.handlers.onPeerLeft('bob');
    expect(session.status).toBe('waiting');
    expect(events.onLinkClosed).toHaveBeenCalledTimes(1);
    signaling.handlers.onPeerJoined('bob-2');
    signaling.handlers.onSignal('bob-2', OFFER);
    openLink(1);
    expect(session.status).toBe('connected');
    expect(events.onLinkOpen).toHaveBeenCalledTimes(2);
    session.dispose();
  });

  it('drops a link that stalls after the other person left signaling', async () => {
    const { session, signaling } = await joinedSession(JOINED_WITH_BOB);
    openLink(0);
    signaling.handlers.onPeerLeft('bob');
    expect(session.status).toBe('connected');
    fakes.links[0]!.stalled = true;
    fakes.links[0]!.handlers.onStalled();
    expect(session.status).toBe('waiting');
    expect(fakes.links[0]!.closed).toBe(true);
    session.dispose();
  });

  it('says a room is full, but retries when the seat may be its own from before a hiccup', async () => {
    const full = new SignalingRequestError('ROOM_FULL', 'full');
    const { session: first } = await joinedSession(full);
    expect(first.status).toBe('full');
    first.dispose();

    const { session: rejoining, signaling } = await joinedSession(JOINED_ALONE);
    signaling.handlers.onDisconnect();
    signaling.handlers.onConnect();
    signaling.joins[1]!(full);
    await settle();
    expect(rejoining.status).not.toBe('full');
    await vi.advanceTimersByTimeAsync(2_000);
    signaling.joins[2]!(JOINED_ALONE);
    await settle();
    expect(rejoining.status).toBe('waiting');
    rejoining.dispose();
  });

  it('says why when the server closes a room nobody joined, and does not fall back to joining', async () => {
    const { session, signaling } = await joinedSession(JOINED_ALONE);
    signaling.handlers.onRoomClosed('ROOM_IDLE');
    expect(session.status).toBe('failed');
    expect(session.failure).toBe('ROOM_IDLE');
    signaling.handlers.onDisconnect();
    expect(session.status).toBe('failed');
    session.dispose();
  });
});
