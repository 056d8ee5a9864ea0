/**
 * Plain-language text for every failure code the edges report: the one place where codes
 * become words on the page.
 */
import { MAX_IMAGE_PIXELS } from '../../../shared/pixels/max-image-pixels.ts';
import { IntakeError, MAX_FILE_MEGABYTES, type IntakeErrorCode } from '../image/intake.ts';
import type { SasErrorCode } from '../net/short-auth-string.ts';
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

const notBmp = (name: string, detail?: string) => `“${name}” cannot be read as a BMP: ${detail}.`;

const INTAKE_MESSAGES: Record<IntakeErrorCode, (name: string, detail?: string) => string> = {
  EMPTY: (name) => `“${name}” is empty.`,
  FILE_TOO_LARGE: (name) => `“${name}” is larger than ${MAX_FILE_MEGABYTES} MB.`,
  TOO_MANY_PIXELS: (name, size) => `“${name}” has ${size} pixels; the limit is ${MAX_IMAGE_PIXELS.toLocaleString('en')} pixels.`,
  NOT_AN_IMAGE: (name) => `“${name}” is not an image this browser can open.`,
  NO_OFFSCREEN_CANVAS: () => 'This browser cannot draw images off screen.',
  BAD_BMP: notBmp,
  UNSUPPORTED_BMP: notBmp,
  BMP_TOO_LARGE: notBmp,
};

/** What the page says when a chosen file is refused; `error` is anything reading it threw. */
export function intakeMessage(fileName: string, error: unknown): string {
  if (error instanceof IntakeError) return INTAKE_MESSAGES[error.code](error.fileName, error.detail);
  return `“${fileName}” could not be read.`;
}

/** What the page says when a drop or paste held no file. */
export const NOTHING_TO_USE = 'Nothing to use there: drop or paste an image file.';

export const VERIFICATION_ERRORS: Record<SasErrorCode | 'NO_FINGERPRINT', string> = {
  COMMITMENT_MISMATCH:
    'Verification failed: the other side’s messages were changed on the way. Someone may sit in between; do not send anything private.',
  OUT_OF_ORDER: 'Verification failed: the other side broke the verification exchange. Someone may sit in between.',
  MALFORMED: 'Verification failed: the other side sent a malformed verification message. Someone may sit in between.',
  NO_FINGERPRINT: 'No verification code: the connection has no certificate fingerprint to check.',
};
