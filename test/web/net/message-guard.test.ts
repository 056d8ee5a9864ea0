import { describe, expect, it } from 'vitest';
import { EarlyMessages, binaryMessage } from '../../../web/src/net/message-guard.ts';

describe('binaryMessage', () => {
  it('refuses text and anything not binary, whatever it says', () => {
    for (const data of ['1000000000', '', 1e9, null, undefined, { byteLength: 1e9 }, new Blob(['x'])]) {
      expect(binaryMessage(data)).toBeNull();
    }
  });

  it('views an ArrayBuffer or a view of one without copying', () => {
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    expect(binaryMessage(buffer)).toEqual(new Uint8Array([1, 2, 3, 4]));
    const view = binaryMessage(new Uint8Array(buffer, 1, 2))!;
    expect(view).toEqual(new Uint8Array([2, 3]));
    expect(view.buffer).toBe(buffer);
  });
});

describe('EarlyMessages', () => {
  it('holds messages up to its count bound, then refuses', () => {
    const queue = new EarlyMessages(3, 1_000);
    expect([1, 2, 3, 4].map((n) => queue.push(new Uint8Array([n])))).toEqual([true, true, true, false]);
    expect(queue.drain().map((m) => m[0])).toEqual([1, 2, 3]);
    expect(queue.drain()).toEqual([]);
  });

  it('holds messages up to its byte bound, then refuses; a drain frees the room', () => {
    const queue = new EarlyMessages(100, 1_000);
    expect(queue.push(new Uint8Array(600))).toBe(true);
    expect(queue.push(new Uint8Array(500))).toBe(false);
    expect(queue.push(new Uint8Array(400))).toBe(true);
    expect(queue.bytes).toBe(1_000);
    expect(queue.drain()).toHaveLength(2);
    expect(queue.push(new Uint8Array(1_000))).toBe(true);
  });
});
