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
    this.code = codeOf(pc);
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
    let report: RTCStatsReport;
    try {
      report = await pc.getStats();
    } catch {
      // The connection closed between the check and the call; the next start() polls afresh.
      return;
    }
    const path = linkPathFromStats(report);
    if (path && generation === this.#generation) this.path = path;
  }
}

function codeOf(pc: RTCPeerConnection): string | null {
  const local = sdpFingerprint(pc.localDescription?.sdp ?? '');
  const remote = sdpFingerprint(pc.remoteDescription?.sdp ?? '');
  return local && remote ? verificationCode(local, remote) : null;
}
