/**
 * The environment variables of the limits (see the threat model in the README): rate limits as
 * `burst/perSecond`, connection and buffer caps, the transports. Read by `readConfig`.
 */
import { icelaneServerDefaults, TRANSPORT_NAMES, type IcelaneServerOptions } from './app.js';
import type { EnvReader, EnvVariable } from './env-reader.js';
import { rateLimitsDefaults, type RateLimits } from './clients/limiters.js';
import type { RateLimit } from './clients/rate-limit.js';

const app = icelaneServerDefaults;
const shown = (limit: RateLimit) => `${limit.burst}/${limit.perSecond}`;
const rate = (help: string, limit: RateLimit) =>
  ({ group: 'limits', default: shown(limit), help }) satisfies EnvVariable;
const d = rateLimitsDefaults;

export const LIMIT_VARIABLES = {
  ICELANE_MAX_CONNECTIONS_PER_ADDRESS: {
    group: 'limits',
    default: String(app.maxConnectionsPerAddress),
    help: 'TCP connections one client address holds at once (an IPv6 /64 is one address; trusted proxies are not counted).',
  },
  ICELANE_MAX_OUTGOING_BUFFER_BYTES: {
    group: 'limits',
    default: String(app.maxOutgoingBufferBytes),
    help: 'Bytes waiting to go out to one client before it is cut off as a slow reader.',
  },
  ICELANE_TRANSPORTS: {
    group: 'limits',
    default: app.transports.join(','),
    help: 'socket.io transports accepted: polling,websocket or websocket (the SDK falls back to polling).',
  },
  ICELANE_RATE_SIGNAL: rate('Signals per socket, as burst/perSecond.', d.signal),
  ICELANE_RATE_JOIN: rate('Joins per socket.', d.join),
  ICELANE_RATE_ICE_REFRESH: rate('ICE refreshes per socket.', d.iceRefresh),
  ICELANE_RATE_REPORT: rate('Connection reports per socket.', d.report),
  ICELANE_RATE_JOIN_PER_IP: rate('Authorized joins and GET /ice per client IP.', d.joinPerIp),
  ICELANE_RATE_ICE_REFRESH_PER_IP: rate('ICE refreshes per client IP.', d.iceRefreshPerIp),
  ICELANE_RATE_REFUSED_PER_IP: rate(
    'Refused (unauthorized) joins and GET /ice per client IP, apart from the join budget.',
    d.refusedPerIp,
  ),
  ICELANE_RATE_STRIKES: rate(
    'Refusals a socket may collect (invalid, rate-limited, unknown events) before it is disconnected.',
    d.strikes,
  ),
  ICELANE_RATE_MESSAGES: rate('Inbound messages per connection, of any kind.', d.messages),
} as const satisfies Record<string, EnvVariable>;

type LimitName = keyof typeof LIMIT_VARIABLES;

const RATE_NAMES: Record<keyof RateLimits, LimitName> = {
  signal: 'ICELANE_RATE_SIGNAL',
  join: 'ICELANE_RATE_JOIN',
  iceRefresh: 'ICELANE_RATE_ICE_REFRESH',
  report: 'ICELANE_RATE_REPORT',
  joinPerIp: 'ICELANE_RATE_JOIN_PER_IP',
  iceRefreshPerIp: 'ICELANE_RATE_ICE_REFRESH_PER_IP',
  refusedPerIp: 'ICELANE_RATE_REFUSED_PER_IP',
  strikes: 'ICELANE_RATE_STRIKES',
  messages: 'ICELANE_RATE_MESSAGES',
};

export type LimitOptions = Pick<
  IcelaneServerOptions,
  'maxConnectionsPerAddress' | 'maxOutgoingBufferBytes' | 'transports' | 'rateLimits'
>;

/** The limits the environment sets; every problem is recorded on `r`, naming its variable. */
export function readLimits(r: EnvReader<LimitName>): LimitOptions {
  const rateLimits = Object.fromEntries(
    Object.entries(RATE_NAMES).map(([key, name]) => [key, r.rate(name)]),
  ) as unknown as RateLimits;
  const transports = r.list(
    'ICELANE_TRANSPORTS',
    (item) => (TRANSPORT_NAMES as readonly string[]).includes(item),
    `one of ${TRANSPORT_NAMES.join(', ')}`,
  ) as IcelaneServerOptions['transports'];
  if (transports.length === 0) r.issue('ICELANE_TRANSPORTS', 'name at least one transport');
  return {
    maxConnectionsPerAddress: r.integer('ICELANE_MAX_CONNECTIONS_PER_ADDRESS', 1, 1_000_000),
    maxOutgoingBufferBytes: r.integer('ICELANE_MAX_OUTGOING_BUFFER_BYTES', 1024, 1024 ** 3),
    transports,
    rateLimits,
  };
}
