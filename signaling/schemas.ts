/**
 * Run-time schemas for every client-to-server payload. Objects are strict (unknown keys are
 * refused) and the relayed `data` is the parsed value, so nothing a client sends reaches another
 * client unvalidated. Each schema is checked against the shared event types at compile time.
 */
import { z } from 'zod';
import type { ClientToServerEvents, SignalData } from '../shared/events.ts';

/** Largest session description relayed. Chromium's data-channel-only offers are ~0.5-1 KiB. */
export const MAX_SDP_LENGTH = 16 * 1024;
/** Largest ICE candidate line relayed. Real ones are ~100-250 characters. */
export const MAX_CANDIDATE_LENGTH = 1024;
/** Longest media id (`a=mid:`) accepted; browsers use "0", "1", ... */
export const MAX_SDP_MID_LENGTH = 64;
/** Highest peer-connection index a signal may name (a packet channel has at most 8 stripes). */
export const MAX_LINK_INDEX = 7;
/** Room ids are 32 characters; anything much longer is not worth verifying. */
export const MAX_ROOM_ID_LENGTH = 64;

/** socket.io ids are 20 base64url characters; leave room for other id generators. */
const peerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a peer id');
const emptyObject = z.strictObject({});

const signalData = z.discriminatedUnion('type', [
  z.strictObject({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1).max(MAX_SDP_LENGTH) }),
  z.strictObject({
    type: z.literal('candidate'),
    candidate: z.strictObject({
      candidate: z.string().max(MAX_CANDIDATE_LENGTH),
      sdpMid: z.string().max(MAX_SDP_MID_LENGTH).nullable().optional(),
      sdpMLineIndex: z.int().min(0).max(1023).nullable().optional(),
    }),
  }),
  z.strictObject({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
]) satisfies z.ZodType<SignalData>;

type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

export const payloadSchemas = {
  'room:create': emptyObject satisfies z.ZodType<PayloadOf<'room:create'>>,
  'room:join': z.strictObject({ roomId: z.string().max(MAX_ROOM_ID_LENGTH) }) satisfies z.ZodType<PayloadOf<'room:join'>>,
  signal: z.strictObject({ to: peerId, data: signalData, link: z.int().min(0).max(MAX_LINK_INDEX).optional() }) satisfies z.ZodType<PayloadOf<'signal'>>,
  'room:leave': emptyObject satisfies z.ZodType<PayloadOf<'room:leave'>>,
} as const;

export type ClientEventName = keyof typeof payloadSchemas;

export function isClientEventName(name: string): name is ClientEventName {
  return Object.hasOwn(payloadSchemas, name);
}
