/**
 * The key per-address limits count a client by. An IPv4 address counts by itself; an IPv6
 * address by its /64, because one host (one home or one rented server) is routinely given a
 * whole /64 and can pick a fresh address from it for every connection. An IPv4 address written
 * as IPv6 (`::ffff:192.0.2.1`, as a dual-stack socket reports IPv4 peers) counts as IPv4.
 */
import { isIPv4, isIPv6 } from 'node:net';

const IPV6_GROUPS = 8;
const PREFIX_GROUPS = 4;

export function addressKey(address: string): string {
  const bare = address.trim().replace(/%.*$/, '');
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return bare;
  const groups = ipv6Groups(bare);
  const mappedIPv4 = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mappedIPv4) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  return `${groups.slice(0, PREFIX_GROUPS).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` expanded and a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!isIPv4(group)) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(IPV6_GROUPS - left.length - right.length).fill(0), ...right];
}
