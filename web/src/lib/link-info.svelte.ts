/** What the people on a connection can check about it: route, round-trip time, verification code. */
import { linkPathFromStats, type LinkPath } from '../net/link-path.ts';
import type { VerificationChannel } from '../net/peer-link.ts';
import { NONCE_BYTES, ShortAuthString, type SasErrorCode } from '../net/short-auth-string.ts';
import { sdpFingerprint } from '../net/sdp-fingerprint.ts';

const POLL_MS = 2_000;

export class LinkInfo {
  path = $state<LinkPath | null>(null);
  /**
   * The lowest round trip measured on this connection: the path's own. A single reading can be
   * tens of milliseconds high on a machine busy with a transfer (the checks wait their turn), and
   * would make one machine look like a distant path to the sender.
   */
  lowestRttMs = $state<number | null>(null);
  code = $state<string | null>(null);
  /** Why no code can be shown: the exchange failed (someone changed its messages) or had no fingerprints. */
  verificationError = $state<SasErrorCode | 'NO_FINGERPRINT' | null>(null);
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Bumped on start and stop so that answers about an old connection are ignored. */
  #generation = 0;

  start(pc: RTCPeerConnection, verification: VerificationChannel): void {
    this.stop();
    const generation = this.#generation;
    this.#verify(pc, verification, generation);
    void this.#poll(pc, generation);
    this.#timer = setInterval(() => void this.#poll(pc, generation), POLL_MS);
  }

  stop(): void {
    this.#generation++;
    clearInterval(this.#timer);
    this.path = null;
    this.lowestRttMs = null;
    this.code = null;
    this.verificationError = null;
  }

  /** Runs the commit/reveal exchange of short-auth-string.ts over the link's verification channel. */
  #verify(pc: RTCPeerConnection, channel: VerificationChannel, generation: number): void {
    const local = sdpFingerprint(pc.localDescription?.sdp ?? '');
    const remote = sdpFingerprint(pc.remoteDescription?.sdp ?? '');
    if (!local || !remote) {
      this.verificationError = 'NO_FINGERPRINT';
      return;
    }
    const exchange = new ShortAuthString({
      nonce: crypto.getRandomValues(new Uint8Array(NONCE_BYTES)),
      localFingerprint: local,
      remoteFingerprint: remote,
      send: (bytes) => channel.send(bytes),
    });
    exchange.start();
    channel.onMessage((bytes) => {
      exchange.receive(bytes);
      if (generation !== this.#generation) return;
      this.code = exchange.code;
      this.verificationError = exchange.error?.code ?? null;
    });
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
    if (!path || generation !== this.#generation) return;
    this.path = path;
    if (path.rttMs !== null && (this.lowestRttMs === null || path.rttMs < this.lowestRttMs)) this.lowestRttMs = path.rttMs;
  }
}
