/** The landing page's one action: ask the server for a new room. */
import { SignalingClient, SignalingRequestError, type SignalingFailure } from '../net/signaling-client.ts';

export class RoomCreator {
  busy = $state(false);
  failure = $state<SignalingFailure | null>(null);

  /** Resolves to the new room's id, or null after recording why it failed. */
  async create(): Promise<string | null> {
    this.busy = true;
    this.failure = null;
    const client = new SignalingClient();
    try {
      return await client.createRoom();
    } catch (err) {
      this.failure = err instanceof SignalingRequestError ? err.code : 'SERVER_UNREACHABLE';
      return null;
    } finally {
      client.close();
      this.busy = false;
    }
  }
}
