import { describe, expect, it } from 'vitest';
import { createRoomIdIssuer } from '../../signaling/room-id.ts';

const SECRET = 'a test secret of enough length';

describe('room ids', () => {
  it('are 32 URL-safe characters carrying 128 random bits, never repeating', () => {
    const issuer = createRoomIdIssuer(SECRET);
    const ids = Array.from({ length: 1000 }, () => issuer.issue());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 22))).size).toBe(ids.length);
  });

  it('are recognised by any issuer sharing the secret, and by no other', () => {
    const id = createRoomIdIssuer(SECRET).issue();
    expect(createRoomIdIssuer(SECRET).isIssued(id)).toBe(true);
    expect(createRoomIdIssuer(`${SECRET}!`).isIssued(id)).toBe(false);
  });

  it('reject every single-character change, and wrong lengths', () => {
    const issuer = createRoomIdIssuer(SECRET);
    const id = issuer.issue();
    for (let i = 0; i < id.length; i++) {
      const changed = id.slice(0, i) + (id[i] === 'A' ? 'B' : 'A') + id.slice(i + 1);
      expect(issuer.isIssued(changed), changed).toBe(false);
    }
    for (const wrong of ['', id.slice(1), `${id}A`, `${id.slice(0, 31)}=`, id.replace(/./, '+')]) {
      expect(issuer.isIssued(wrong), wrong).toBe(false);
    }
  });

  it('refuse a short secret', () => {
    expect(() => createRoomIdIssuer('short')).toThrow(/at least 16 bytes/);
  });
});
