/**
 * Bounds-checked little-endian reads over a byte view. Honours the view's byteOffset, because
 * simple-peer hands us Node-style Buffers that are windows into a larger pool.
 */
import { ProtocolError, ProtocolErrorCode } from './errors.ts';

export class ByteReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  private need(count: number, field: string): number {
    if (this.remaining < count) {
      throw new ProtocolError(
        ProtocolErrorCode.TRUNCATED,
        `${this.what}: ${field} needs ${count} bytes at offset ${this.offset}, ${this.remaining} left`,
      );
    }
    const at = this.offset;
    this.offset += count;
    return at;
  }

  u8(field: string): number {
    return this.view.getUint8(this.need(1, field));
  }

  u16(field: string): number {
    return this.view.getUint16(this.need(2, field), true);
  }

  u32(field: string): number {
    return this.view.getUint32(this.need(4, field), true);
  }

  /** A view (not a copy) of the next `count` bytes. */
  bytesView(count: number, field: string): Uint8Array {
    const at = this.need(count, field);
    return this.bytes.subarray(at, at + count);
  }

  /** Unsigned LEB128, at most `maxBytes` long so that a hostile run of 0x80 cannot loop on. */
  varint(field: string, maxBytes = 5): number {
    let value = 0;
    for (let i = 0; i < maxBytes; i++) {
      const byte = this.u8(field);
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) return value;
    }
    throw new ProtocolError(ProtocolErrorCode.INVALID_FIELD, `${this.what}: ${field} varint longer than ${maxBytes} bytes`);
  }

  /** Refuses trailing bytes: a longer message than we expect comes from a layout we do not know. */
  end(): void {
    if (this.remaining !== 0) {
      throw new ProtocolError(ProtocolErrorCode.TRAILING_BYTES, `${this.what}: ${this.remaining} unexpected trailing bytes`);
    }
  }
}
