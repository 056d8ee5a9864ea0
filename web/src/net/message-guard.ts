/**
 * What the WebRTC edge does with a message before the engine sees it: only binary messages are
 * bytes (a text message is refused, never converted: `new Uint8Array("1000000000")` would
 * allocate a gigabyte), and messages that come before the link counts as open wait in a queue
 * bounded in count and bytes, so a peer cannot park memory there.
 */

/** The bytes of a binary message; null for anything else (text, Blob). */
export function binaryMessage(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

/** Messages held until the link opens, oldest first; `push` refuses what would pass either bound. */
export class EarlyMessages {
  #messages: Uint8Array[] = [];
  #bytes = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  /** False (and nothing kept) when the message would pass a bound. */
  push(bytes: Uint8Array): boolean {
    if (this.#messages.length >= this.maxMessages || this.#bytes + bytes.byteLength > this.maxBytes) return false;
    this.#messages.push(bytes);
    this.#bytes += bytes.byteLength;
    return true;
  }

  /** Everything held, oldest first; the queue is empty afterwards. */
  drain(): Uint8Array[] {
    const messages = this.#messages;
    this.#messages = [];
    this.#bytes = 0;
    return messages;
  }

  get bytes(): number {
    return this.#bytes;
  }
}
