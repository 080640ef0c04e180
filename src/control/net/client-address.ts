/**
 * The client's address behind trusted reverse proxies (docs/security.md).
 *
 * `--trusted-proxies` lists the addresses (or CIDR ranges, IPv4 or IPv6) of the proxies in
 * front of this node, e.g. `127.0.0.1,10.0.0.0/8`. A request whose TCP peer is one of them
 * may name the client in `X-Forwarded-For`; the client is then the RIGHTMOST address of that
 * header that is not itself a trusted proxy. Everything left of it was written by the client
 * and is ignored, so a client cannot spoof its address by sending the header itself: the
 * shipped nginx config appends the peer it saw ($proxy_add_x_forwarded_for), which is the
 * address this function returns. With no trusted proxies (the default) the header is never
 * read and the client is the TCP peer.
 */
import { BlockList, isIP } from 'node:net';

export interface TrustedProxies {
  /** true when `address` (a TCP peer or a hop of X-Forwarded-For) is a trusted proxy */
  trusts(address: string): boolean;
  /** false when the list is empty: X-Forwarded-For is never read */
  readonly any: boolean;
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`, how a dual-stack socket reports IPv4) as plain IPv4 */
export const plainAddress = (address: string): string =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

/**
 * Parses a comma-separated list of addresses and CIDR ranges; throws on an entry that is
 * neither, naming it (the config check turns that into a start-up error).
 */
export function parseTrustedProxies(list: string): TrustedProxies {
  const blocks = new BlockList();
  let count = 0;
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [addr = '', bits] = entry.split('/');
    const family = isIP(addr);
    if (family === 0) throw new Error(`not an IP address or CIDR range: '${entry}'`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) blocks.addAddress(addr, type);
    else {
      const prefix = Number(bits);
      const max = family === 4 ? 32 : 128;
      if (!/^\d{1,3}$/.test(bits) || prefix > max) throw new Error(`bad prefix length in '${entry}'`);
      blocks.addSubnet(addr, prefix, type);
    }
    count++;
  }
  return {
    any: count > 0,
    trusts(address: string): boolean {
      if (count === 0) return false;
      const a = plainAddress(address);
      const family = isIP(a);
      if (family === 0) return false;
      return blocks.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client address of a request from `peer` (the TCP peer) carrying `forwardedFor` (the
 * X-Forwarded-For header, one string or several). Walks the chain from the right while each
 * hop is trusted; a malformed hop stops the walk at the last trusted one.
 */
export function clientAddress(
  trusted: TrustedProxies,
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
): string {
  let client = plainAddress(peer ?? 'unknown');
  if (!trusted.any || !trusted.trusts(client) || forwardedFor === undefined) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddress((hops[i] ?? '').trim());
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.trusts(hop)) return client;
  }
  return client;
}
