/**
 * The socket.io edge: typed requests with acknowledgements and timeouts, server errors and
 * transport failures translated into codes the UI can show.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  JoinResult,
  LinkIndex,
  PeerId,
  RoomId,
  ServerToClientEvents,
  SignalData,
  SignalingErrorCode,
} from '../../../shared/events.ts';
import { CodedError } from '../../../shared/coded-error.ts';

const ACK_TIMEOUT_MS = 8_000;

export type SignalingFailure = SignalingErrorCode | 'SERVER_UNREACHABLE';

export class SignalingRequestError extends CodedError<SignalingFailure> {
  override readonly name = 'SignalingRequestError';
}

export interface SignalingHandlers {
  /** The socket (re)connected: a fresh socket id, so any room must be joined again. */
  onConnect(): void;
  onDisconnect(): void;
  /** `link`: which of the pair's peer connections the signal is for (0 when absent). */
  onSignal(from: PeerId, data: SignalData, link?: LinkIndex): void;
  onPeerJoined(peerId: PeerId): void;
  onPeerLeft(peerId: PeerId): void;
  /** The server closed this side's room (e.g. ROOM_IDLE) and is about to disconnect. */
  onRoomClosed(code: SignalingErrorCode): void;
}

type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class SignalingClient {
  readonly #socket: TypedSocket;

  constructor(handlers?: SignalingHandlers) {
    // Same origin: `npm start` serves the page from the signaling server, `npm run dev` proxies.
    this.#socket = io({ transports: ['websocket', 'polling'] });
    if (!handlers) return;
    this.#socket.on('connect', () => handlers.onConnect());
    this.#socket.on('disconnect', () => handlers.onDisconnect());
    this.#socket.on('signal', ({ from, data, link }) => handlers.onSignal(from, data, link ?? 0));
    this.#socket.on('peer:joined', ({ peerId }) => handlers.onPeerJoined(peerId));
    this.#socket.on('peer:left', ({ peerId }) => handlers.onPeerLeft(peerId));
    this.#socket.on('room:closed', ({ error }) => handlers.onRoomClosed(error.code));
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  async createRoom(): Promise<RoomId> {
    const res = await this.#request<{ roomId: RoomId }>((ack) => this.#socket.emit('room:create', {}, ack));
    return res.roomId;
  }

  join(roomId: RoomId): Promise<JoinResult> {
    return this.#request<JoinResult>((ack) => this.#socket.emit('room:join', { roomId }, ack));
  }

  async signal(to: PeerId, data: SignalData, link: LinkIndex = 0): Promise<void> {
    await this.#request((ack) => this.#socket.emit('signal', link === 0 ? { to, data } : { to, data, link }, ack));
  }

  close(): void {
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
  }

  #request<T extends object>(emit: (ack: (res: Ack<T>) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SignalingRequestError('SERVER_UNREACHABLE', 'The signaling server did not answer.')),
        ACK_TIMEOUT_MS,
      );
      emit((res) => {
        clearTimeout(timer);
        if (res.ok) resolve(res);
        else reject(new SignalingRequestError(res.error.code, res.error.message));
      });
    });
  }
}
