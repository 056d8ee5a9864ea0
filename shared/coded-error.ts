/**
 * The one shape of every refusal the product reports: an Error with a stable code. Codes are
 * what callers branch on, tests match and the UI maps to words (web/src/lib/messages.ts); the
 * message is for people reading logs and says what was wrong in detail.
 */
export class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
