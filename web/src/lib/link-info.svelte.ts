/** What the people on a connection can check about it: route, round-trip time, verification code. */
import { linkPathFromStats, type LinkPath } from '../net/link-path.ts';
import { sdpFingerprint, verificationCode } from '../net/verification-code.ts';

const POLL_MS = 2_000;

export class LinkInfo {
  path = $state<LinkPath | null>(null);
  code = $state<string | null>(null);
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Bumped on start and stop so that answers about an old connection are ignored. */
  #generation = 0;

  start(pc: RTCPeerConnection): void {
    this.stop();
    const generation = this.#generation;
    void this.#deriveCode(pc, generation);
    void this.#poll(pc, generation);
    this.#timer = setInterval(() => void this.#poll(pc, generation), POLL_MS);
  }

  stop(): void {
    this.#generation++;
    clearInterval(this.#timer);
    this.path = null;
    this.code = null;
  }

  async #poll(pc: RTCPeerConnection, generation: number): Promise<void> {
    if (pc.connectionState === 'closed') return;
    const path = linkPathFromStats(await pc.getStats());
    if (path && generation === this.#generation) this.path = path;
  }

  async #deriveCode(pc: RTCPeerConnection, generation: number): Promise<void> {
    const local = sdpFingerprint(pc.localDescription?.sdp ?? '');
    const remote = sdpFingerprint(pc.remoteDescription?.sdp ?? '');
    if (!local || !remote) return;
    const code = await verificationCode(local, remote);
    if (generation === this.#generation) this.code = code;
  }
}
