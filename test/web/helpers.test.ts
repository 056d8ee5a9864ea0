import { describe, expect, it } from 'vitest';
import { receivedName } from '../../web/src/image/download.ts';
import { lossMapRgba } from '../../web/src/image/loss-map.ts';
import { parseRoute, roomPath } from '../../web/src/lib/router.svelte.ts';

describe('routes', () => {
  it('reads a room id from /r/<id> and sends everything else to the landing page', () => {
    expect(parseRoute('/r/AbC-_123')).toEqual({ page: 'room', roomId: 'AbC-_123' });
    expect(parseRoute('/r/AbC/')).toEqual({ page: 'room', roomId: 'AbC' });
    expect(parseRoute('/')).toEqual({ page: 'landing' });
    expect(parseRoute('/r/')).toEqual({ page: 'landing' });
    expect(parseRoute('/r/a/b')).toEqual({ page: 'landing' });
  });

  it('round-trips a room id through its path', () => {
    expect(parseRoute(roomPath('x y'))).toEqual({ page: 'room', roomId: 'x y' });
  });
});

describe('download names', () => {
  it('replaces the extension', () => {
    expect(receivedName('photo.jpg', 'bmp')).toBe('photo.received.bmp');
    expect(receivedName('archive.tar.bmp', 'png')).toBe('archive.tar.received.png');
    expect(receivedName('.bmp', 'png')).toBe('image.received.png');
  });
});

describe('loss map', () => {
  it('marks missing pixels translucent red and clears the rest', () => {
    const out = lossMapRgba(new Uint8Array([1, 0]), new Uint8ClampedArray(8).fill(9));
    expect([...out]).toEqual([0xe6, 0x1e, 0x50, 0xb0, 0, 0, 0, 0]);
  });
});
