/** Every refusal the product reports is a CodedError: one shape for callers, tests and the UI. */
import { describe, expect, it } from 'vitest';
import { BmpError, BmpErrorCode, readBmp } from '../../shared/bmp/index.ts';
import { CodedError } from '../../shared/coded-error.ts';
import { ProtocolError, ProtocolErrorCode, decodeDataPacket } from '../../shared/protocol/index.ts';

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('CodedError', () => {
  it('keeps code, message and cause', () => {
    const cause = new Error('below');
    const error = new CodedError('ERR_X', 'what went wrong', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'ERR_X', message: 'what went wrong', cause });
  });

  it('is the base of BmpError and ProtocolError, which keep their names and fields', () => {
    const bmp = caught(() => readBmp(Uint8Array.of(0x42, 0x4d, 0, 0)));
    expect(bmp).toBeInstanceOf(BmpError);
    expect(bmp).toBeInstanceOf(CodedError);
    expect(bmp).toMatchObject({ name: 'BmpError', code: BmpErrorCode.TRUNCATED });
    expect(new BmpError(BmpErrorCode.BAD_HEADER, 'bad planes', 26).message).toBe('bad planes (at byte 26)');
    const protocol = caught(() => decodeDataPacket(Uint8Array.of(1)));
    expect(protocol).toBeInstanceOf(ProtocolError);
    expect(protocol).toBeInstanceOf(CodedError);
    expect(protocol).toMatchObject({ name: 'ProtocolError', code: ProtocolErrorCode.TRUNCATED, refusedManifest: undefined });
  });
});
