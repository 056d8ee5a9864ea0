/** Errors the signaling server reports to clients: a code from the shared protocol and a message. */
import type { SignalingError, SignalingErrorCode } from '../shared/events.ts';

export class SignalingFailure extends Error {
  constructor(
    readonly code: SignalingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SignalingFailure';
  }

  toJSON(): SignalingError {
    return { code: this.code, message: this.message };
  }
}
