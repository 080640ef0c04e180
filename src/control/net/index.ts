import type { ClientNet } from '../ports.js';
import { AddressCaps } from './address-caps.js';
import { clientAddress, parseTrustedProxies, plainAddress } from './client-address.js';
import { isLoopback } from '../admission.js';

export { AddressCaps } from './address-caps.js';
export { clientAddress, parseTrustedProxies } from './client-address.js';

/**
 * The client-address rules of a node: with no trusted proxy, loopback peers are exempt from
 * per-address caps (a proxy or bench on this host that we cannot see through); once proxies
 * are trusted, only they are exempt and every client behind them is counted by its own address.
 */
export function createClientNet(opts: {
  trustedProxies: string;
  maxConnectionsPerAddress: number;
  requestTimeoutMs: number;
}): ClientNet {
  const trusted = parseTrustedProxies(opts.trustedProxies);
  const exempt = (address: string): boolean =>
    trusted.any ? trusted.trusts(address) : isLoopback(plainAddress(address));
  return {
    trusted,
    addressOf: (req) => clientAddress(trusted, req.socket.remoteAddress, req.headers['x-forwarded-for']),
    streams: new AddressCaps(opts.maxConnectionsPerAddress, (a) => !trusted.any && isLoopback(a)),
    tcp: new AddressCaps(opts.maxConnectionsPerAddress, exempt),
    requestTimeoutMs: opts.requestTimeoutMs,
  };
}
