/** Plain-language text for every failure code the edges report. */
import type { SignalingFailure } from '../net/signaling-client.ts';

export const SIGNALING_MESSAGES: Record<SignalingFailure | 'CONNECTION_FAILED', string> = {
  ROOM_FULL: 'This room is full: two people are already in it. Ask for a new link, or create your own room.',
  INVALID_ROOM: 'This room link is not valid. Check that it was copied completely, or create a new room.',
  INVALID_PAYLOAD: 'The server rejected a message from this page. Reload the page to try again.',
  RATE_LIMITED: 'Too many requests. Wait a few seconds and try again.',
  NOT_IN_ROOM: 'You are no longer in this room. Reload the page to join it again.',
  SERVER_FULL: 'The server is at capacity right now. Try again in a minute.',
  ROOM_IDLE: 'Nobody joined this room for a long time, so it was closed. Reload the page to open it again.',
  INTERNAL: 'The server had a problem handling the request. Try again.',
  SERVER_UNREACHABLE: 'The signaling server cannot be reached. Check your connection; the page keeps trying.',
  CONNECTION_FAILED: 'The direct connection to the other person failed. Trying again…',
};
