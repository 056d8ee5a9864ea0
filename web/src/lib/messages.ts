/** Plain-language text for every failure code the edges report. */
import type { SasErrorCode } from '../net/short-auth-string.ts';
import type { SignalingFailure } from '../net/signaling-client.ts';

export const SIGNALING_MESSAGES: Record<SignalingFailure | 'CONNECTION_FAILED', string> = {
  ROOM_FULL: 'This room is full: two people are already in it. Ask for a new link, or create your own room.',
  INVALID_ROOM: 'This room link is not valid. Check that it was copied completely, or create a new room.',
  INVALID_PAYLOAD: 'The server rejected a message from this page. Reload the page to try again.',
  RATE_LIMITED: 'Too many requests. Wait a few seconds and try again.',
  NOT_IN_ROOM: 'You are no longer in this room. Reload the page to join it again.',
  SERVER_FULL: 'The server is at capacity right now. Try again in a minute.',
  INTERNAL: 'The server had a problem handling the request. Try again.',
  SERVER_UNREACHABLE: 'The signaling server cannot be reached. Check your connection; the page keeps trying.',
  CONNECTION_FAILED: 'The direct connection to the other person failed. Trying again…',
};

export const VERIFICATION_ERRORS: Record<SasErrorCode | 'NO_FINGERPRINT', string> = {
  COMMITMENT_MISMATCH:
    'Verification failed: the other side’s messages were changed on the way. Someone may sit in between; do not send anything private.',
  OUT_OF_ORDER: 'Verification failed: the other side broke the verification exchange. Someone may sit in between.',
  MALFORMED: 'Verification failed: the other side sent a malformed verification message. Someone may sit in between.',
  NO_FINGERPRINT: 'No verification code: the connection has no certificate fingerprint to check.',
};
