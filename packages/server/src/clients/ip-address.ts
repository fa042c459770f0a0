/**
 * Client addresses as the limits see them: IPv4-mapped IPv6 folded to IPv4, IPv6 grouped by its
 * /64 (one subscriber's allocation), and lists of trusted proxy addresses or CIDR ranges.
 */
import { BlockList, isIP } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:192.0.2.1` (what a dual-stack listener reports for IPv4) as `192.0.2.1`. */
export function normalizeAddress(address: string): string {
  const mapped = MAPPED_V4.exec(address);
  return mapped ? mapped[1]! : address;
}

/** The eight 16-bit groups of an IPv6 address, or `null` when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.split('%')[0]!;
  // A trailing dotted quad (`::1.2.3.4`) is two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((group) => parseInt(group, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/**
 * The key an address is counted under by the per-subnet connection cap and the per-IP rate
 * limits: the address itself for IPv4, its /64 for IPv6 (a subscriber gets a whole /64 and can
 * pick any address in it, so counting addresses would count one client as countless).
 */
export function subnetKey(address: string): string {
  const normalized = normalizeAddress(address);
  const groups = ipv6Groups(normalized);
  if (!groups) return normalized;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** Whether `text` is an IPv4/IPv6 address or a CIDR range of one (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrRange(text: string): boolean {
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

/** Decides whether a peer address is one of the reverse proxies the operator named. */
export type TrustedProxies = (address: string) => boolean;

/** Nobody is a proxy: clients connect directly. */
export const trustNobody: TrustedProxies = () => false;

/** A check for `entries` (addresses or CIDR ranges); throws a `TypeError` naming a bad entry. */
export function trustedProxyList(entries: readonly string[]): TrustedProxies {
  if (entries.length === 0) return trustNobody;
  const list = new BlockList();
  for (const entry of entries) {
    if (!isAddressOrRange(entry)) {
      throw new TypeError(`trustedProxies: "${entry}" is not an IP address or CIDR range`);
    }
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const normalized = normalizeAddress(address);
    const family = isIP(normalized);
    if (family === 0) return false;
    return list.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
  };
}
