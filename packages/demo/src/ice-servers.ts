/**
 * The ICE servers the page received, as a list a person can read and a screenshot can show:
 * TURN usernames and credentials are masked, and the expiry is said in words.
 */
import { everyIceUrlIsIpv4Literal, type IceConfig, type IceServer } from '@icelane/protocol';
import { formatDuration } from './dom.js';

export interface IceServerRow {
  url: string;
  kind: 'stun' | 'turn' | 'turns' | 'unknown';
  /** `null` when the server carries no username. */
  username: string | null;
  credential: string | null;
}

export interface IceSummary {
  rows: IceServerRow[];
  turn: boolean;
  policy: IceConfig['policy'];
  /** "expires in 12 min", "expired 3 s ago", or "no TURN credentials". */
  expiry: string;
  /** Every URL is an IPv4 literal: IPv6-only phones without a CLAT (iOS on NAT64) reach none. */
  ipv4LiteralsOnly: boolean;
}

const MASK = '••••••';

/** Keeps a hint of the username (its first characters) so two answers can be told apart. */
export function maskSecret(value: string | undefined, keep = 0): string | null {
  if (value === undefined || value === '') return null;
  return keep > 0 && value.length > keep * 2 ? `${value.slice(0, keep)}${MASK}` : MASK;
}

export function summarizeIce(config: IceConfig, now: number): IceSummary {
  const rows = config.iceServers.flatMap((server: IceServer) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).map((url) => ({
      url,
      kind: urlKind(url),
      username: maskSecret(server.username, 3),
      credential: maskSecret(server.credential),
    })),
  );
  return {
    rows,
    turn: config.turn,
    policy: config.policy,
    expiry: describeExpiry(config, now),
    ipv4LiteralsOnly: everyIceUrlIsIpv4Literal(config.iceServers),
  };
}

function urlKind(url: string): IceServerRow['kind'] {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  return scheme === 'stun' || scheme === 'turn' || scheme === 'turns' ? scheme : 'unknown';
}

function describeExpiry(config: IceConfig, now: number): string {
  if (config.expiresAt === null) return 'no TURN credentials';
  const left = config.expiresAt - now;
  const at = clockTime(config.expiresAt, now);
  return left > 0
    ? `expire in ${formatDuration(left)} (${at})`
    : `expired ${formatDuration(-left)} ago (${at})`;
}

/**
 * The time of day, with the day when it is not today: credentials last 24 h by default, and
 * "expire in 24.0 h (5:06 PM)" read as this afternoon.
 */
function clockTime(at: number, now: number): string {
  const date = new Date(at);
  const sameDay = date.toDateString() === new Date(now).toDateString();
  return sameDay
    ? date.toLocaleTimeString()
    : date.toLocaleString(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
}
