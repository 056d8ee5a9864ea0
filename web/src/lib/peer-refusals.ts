/**
 * What this page refused from the other person, in words: the session's and the link's
 * counters, and why the other side refused one of this page's images.
 */
import { CancelReason } from '../../../shared/protocol/index.ts';
import type { SessionStats } from '../../../shared/transfer/index.ts';

export interface PeerRefusals {
  /** Images refused: over the limits, malformed, or sent while another was arriving. */
  transfers: number;
  /** Of `transfers`: sent while another was arriving. */
  busy: number;
  /** Images ended because the other side fell silent. */
  silent: number;
  /** Messages that were not binary, failed to decode or made no sense. */
  malformed: number;
  /** Packets naming a transfer that never came. */
  stray: number;
}

export const NO_REFUSALS: PeerRefusals = { transfers: 0, busy: 0, silent: 0, malformed: 0, stray: 0 };

/** `refusedMessages`: what the link refused before the session saw it (PeerLink.refusedMessages). */
export function peerRefusals(stats: SessionStats, refusedMessages: number): PeerRefusals {
  // A refused manifest counts as malformed control and as refused: count it once, as a transfer.
  const malformedManifests = stats.refused - stats.busy;
  return {
    transfers: stats.refused,
    busy: stats.busy,
    silent: stats.idle,
    malformed: stats.malformedPackets + stats.malformedControl - malformedManifests + refusedMessages,
    stray: stats.foreign,
  };
}

export function sameRefusals(a: PeerRefusals, b: PeerRefusals): boolean {
  return (Object.keys(a) as (keyof PeerRefusals)[]).every((key) => a[key] === b[key]);
}

/** One line for the page, or null when nothing was refused. */
export function describeRefusals(r: PeerRefusals): string | null {
  const parts: string[] = [];
  if (r.transfers > 0) parts.push(`${plural(r.transfers, 'transfer')}${r.busy > 0 ? ` (${r.busy} while another was arriving)` : ''}`);
  if (r.silent > 0) parts.push(`${plural(r.silent, 'transfer')} ended after the sender fell silent`);
  if (r.malformed > 0) parts.push(plural(r.malformed, 'malformed message'));
  if (r.stray > 0) parts.push(plural(r.stray, 'stray packet'));
  return parts.length > 0 ? `Refused from the other person: ${parts.join(', ')}.` : null;
}

/** Why the other side stopped one of this page's images. */
export const RECEIVER_CANCEL_TEXT: Record<CancelReason, string> = {
  [CancelReason.USER]: 'the other person cancelled it',
  [CancelReason.REFUSED]: 'the other side refused it (over its limits)',
  [CancelReason.ERROR]: 'the other side could not take it',
  [CancelReason.BUSY]: 'the other side is still receiving another image; send again when it has arrived',
};

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}
