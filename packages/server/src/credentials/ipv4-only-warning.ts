/**
 * The start-up check for IPv6-only clients: on a mobile network with IPv6 only and no CLAT
 * (iOS behind NAT64/DNS64), browsers skip STUN and TURN servers given as IPv4 literals, so such
 * a phone gathers no relay candidate and its calls to IPv4-only peers fail. A host name works
 * there: DNS64 synthesizes an IPv6 address for it.
 */
import { everyIceUrlIsIpv4Literal } from '@icelane/protocol';
import type { TurnProvider } from './provider.js';

/** The warning `/readyz` shows and the server logs at start. */
export const IPV4_ONLY_WARNING =
  'every STUN/TURN URL handed out is an IPv4 literal: IPv6-only clients without a CLAT ' +
  '(iOS on NAT64/DNS64 mobile networks) can use none of them; give the servers a host name';

/**
 * The warning when every URL the server can hand out is an IPv4 literal, else `null`. A provider
 * whose URLs come from its API (`urls` absent, e.g. Cloudflare's host names) may hand out others.
 */
export function ipv4OnlyWarning(
  stunUrls: readonly string[],
  providers: readonly Pick<TurnProvider, 'urls'>[],
): string | null {
  if (providers.some((provider) => provider.urls === undefined)) return null;
  const urls = [...stunUrls, ...providers.flatMap((provider) => provider.urls ?? [])];
  return everyIceUrlIsIpv4Literal([{ urls }]) ? IPV4_ONLY_WARNING : null;
}
