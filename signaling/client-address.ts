/** The address per-address limits apply to. */
import type { Socket } from 'socket.io';

type Handshake = Socket['handshake'];

/**
 * With `trustProxy`, the right-most `X-Forwarded-For` entry: the address our one reverse proxy
 * saw and appended (entries to its left come from the client and can be forged).
 */
export function clientAddress(handshake: Handshake, trustProxy: boolean): string {
  const forwarded = handshake.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return handshake.address;
}
