/**
 * Every environment variable the server reads, in one table: {@link readConfig} validates them,
 * and the same table, grouped, is the CLI's `--help`.
 */
import { icelaneServerDefaults } from './app.js';
import { MIN_SECRET_BYTES } from './auth/jwt-verifier.js';
import { LIMIT_VARIABLES } from './config-limits.js';
import { breakerDefaults } from './credentials/breaker.js';
import { iceSourceDefaults } from './credentials/ice-source.js';
import { MIN_USER_HANDLE_KEY_BYTES } from './credentials/user-handle.js';
import { formatHelp, type EnvVariable } from './env-reader.js';

const ice = iceSourceDefaults;
const app = icelaneServerDefaults;

/** The TURN providers `ICELANE_TURN_PROVIDER` names (`none`: STUN only). */
export const PROVIDERS = ['cloudflare', 'coturn', 'static', 'none'] as const;

/** Every environment variable the server reads. */
export const ENV_VARIABLES = {
  PORT: { group: 'server', default: '8080', help: 'TCP port to listen on; 0 picks a free one.' },
  HOST: {
    group: 'server',
    default: '0.0.0.0',
    help: 'Address to listen on; :: for IPv6 (and IPv4).',
  },
  ICELANE_LOG_LEVEL: { group: 'server', default: 'info', help: 'debug, info, warn or error.' },
  ICELANE_ROOM_PEER_CAP: {
    group: 'server',
    default: String(app.roomPeerCap),
    help: 'Peers per room (calls are a full mesh).',
  },
  ICELANE_CORS_ORIGINS: {
    group: 'server',
    default: app.corsOrigins.join(','),
    help: 'Comma-separated origins whose pages may connect, or * for any.',
  },
  ICELANE_STATIC_DIR: { group: 'server', default: '', help: 'A built page to serve at /.' },
  ICELANE_TLS_CERT: {
    group: 'server',
    default: '',
    help: 'PEM certificate file (chain included): serve HTTPS and WSS instead of HTTP. Needs ICELANE_TLS_KEY.',
  },
  ICELANE_TLS_KEY: {
    group: 'server',
    default: '',
    help: 'PEM private key file of the certificate.',
  },
  ICELANE_TRUSTED_PROXIES: {
    group: 'server',
    default: '',
    help: 'Comma-separated IP addresses or CIDR ranges of the reverse proxies in front; X-Forwarded-For is believed from them only.',
  },
  ICELANE_STUN_URLS: {
    group: 'ice',
    default: ice.stunUrls.join(','),
    help: 'Comma-separated stun: URLs; an empty value means no STUN.',
  },
  ICELANE_STUN_PROBE_URLS: {
    group: 'ice',
    default: '',
    help: 'Comma-separated stun: URLs for the network check only (handed out as stunProbe, outside the ICE URL cap), each on another port or address than the first STUN URL: coturn with two listening addresses answers on listening port + 1.',
  },
  ICELANE_TURN_PROVIDER: {
    group: 'ice',
    default: '',
    help: `${PROVIDERS.join(', ')}, or an ordered list of providers such as cloudflare,coturn: new joins get the first that works (see the failover variables); inferred from the provider variables set when absent.`,
  },
  ICELANE_TURN_TTL_SECONDS: {
    group: 'ice',
    default: String(ice.ttlSeconds),
    help: 'Lifetime asked of TURN credentials; none is handed out with less than min(2 h, TTL/4) left.',
  },
  ICELANE_CREDENTIAL_SCOPE: {
    group: 'ice',
    default: '',
    help: 'shared or per-session; by default shared for cloudflare and static, per-session for coturn.',
  },
  ICELANE_MAX_ICE_URLS: {
    group: 'ice',
    default: String(ice.maxUrls),
    help: 'The most ICE server URLs handed to a client: one per transport where possible, and a turns: URL on port 443 whenever one is configured.',
  },
  ICELANE_JOIN_TIMEOUT_MS: {
    group: 'ice',
    default: String(ice.joinTimeoutMs),
    help: 'The longest a join waits for TURN credentials from one provider (a failover list asks them in turn) before answering STUN-only.',
  },
  ICELANE_RELAY_POLICY: {
    group: 'ice',
    default: ice.policy,
    help: 'all or relay: the first-attempt ICE policy recommended to clients.',
  },
  ICELANE_USER_HANDLE_KEY: {
    group: 'ice',
    default: '',
    help: `Key (at least ${MIN_USER_HANDLE_KEY_BYTES} bytes) of the user handles per-session credentials carry (Cloudflare customIdentifier, coturn username); the same on every node keeps a user's handle the same across nodes and restarts. Unset: random per process.`,
    secret: true,
  },
  ICELANE_FAILOVER_THRESHOLD: {
    group: 'failover',
    default: String(breakerDefaults.failureThreshold),
    help: 'Joins in a row a provider failed (no usable TURN in time, or credentials refused) before new joins skip it for the next.',
  },
  ICELANE_FAILOVER_COOLDOWN_MS: {
    group: 'failover',
    default: String(breakerDefaults.cooldownMs),
    help: 'How long a skipped provider is left alone before a probe asks it again; when the probe succeeds, new joins return to it.',
  },
  CLOUDFLARE_TURN_KEY_ID: { group: 'cloudflare', default: '', help: 'The TURN key id.' },
  CLOUDFLARE_TURN_API_TOKEN: {
    group: 'cloudflare',
    default: '',
    help: "The TURN key's API token.",
    secret: true,
  },
  CLOUDFLARE_TURN_API_URL: {
    group: 'cloudflare',
    default: 'https://rtc.live.cloudflare.com',
    help: 'The API base URL.',
  },
  ICELANE_COTURN_SECRETS: {
    group: 'coturn',
    default: '',
    help: 'Comma-separated static-auth-secret values; the first mints, all stay valid for rotation.',
    secret: true,
  },
  ICELANE_COTURN_URLS: { group: 'coturn', default: '', help: 'Comma-separated turn:/turns: URLs.' },
  ICELANE_STATIC_TURN_URLS: {
    group: 'static',
    default: '',
    help: 'Comma-separated turn:/turns: (and stun:) URLs of a TURN server with a fixed login.',
  },
  ICELANE_STATIC_TURN_USERNAME: { group: 'static', default: '', help: 'Its username.' },
  ICELANE_STATIC_TURN_CREDENTIAL: {
    group: 'static',
    default: '',
    help: 'Its credential.',
    secret: true,
  },
  ICELANE_JWT_SECRET: {
    group: 'jwt',
    default: '',
    help: `HS256 shared secret (at least ${MIN_SECRET_BYTES} bytes) of the join tokens; joins then need a token.`,
    secret: true,
  },
  ICELANE_JWT_JWKS_URL: {
    group: 'jwt',
    default: '',
    help: 'URL of the JSON Web Key Set whose RS256/ES256 keys sign the join tokens (instead of a secret).',
  },
  ICELANE_JWT_ISSUER: { group: 'jwt', default: '', help: 'Required iss claim; any when unset.' },
  ICELANE_JWT_AUDIENCE: {
    group: 'jwt',
    default: '',
    help: 'Required aud claim (or one of its entries); any when unset.',
  },
  REDIS_URL: {
    group: 'scale',
    default: '',
    help: 'redis:// or rediss:// URL; several nodes then share rooms, signals and TURN credentials. Unset: one node.',
    // It may hold a password.
    secret: true,
  },
  REDIS_CLUSTER_NODES: {
    group: 'scale',
    default: '',
    help: 'A Redis Cluster instead: some of its nodes as host:port,host:port (the rest are found from them); an item may be a redis:// or rediss:// URL whose user and password apply to every node.',
  },
  REDIS_SENTINELS: {
    group: 'scale',
    default: '',
    help: 'A primary with replicas behind Sentinel instead: the sentinels as host:port,host:port (an item may be a redis:// URL with the password of the primary); the node follows each failover.',
  },
  REDIS_SENTINEL_MASTER: {
    group: 'scale',
    default: 'mymaster',
    help: 'The name the sentinels monitor the primary under (sentinel monitor <name> ...).',
  },
  REDIS_ADAPTER: {
    group: 'scale',
    default: 'auto',
    help: "How signals and broadcasts travel between nodes: classic (PUBLISH, every node receives everything), sharded (Redis 7 SPUBLISH, a channel per room and per client: only the receiver's node gets a message), or auto (sharded on a Redis Cluster, classic otherwise).",
  },
  ...LIMIT_VARIABLES,
} as const satisfies Record<string, EnvVariable>;

export type EnvName = keyof typeof ENV_VARIABLES;

const GROUP_TITLES: Record<string, string> = {
  server: 'Server',
  ice: 'ICE servers',
  failover: 'Provider failover (ICELANE_TURN_PROVIDER lists several; the last is always asked)',
  cloudflare: 'Cloudflare TURN (ICELANE_TURN_PROVIDER=cloudflare)',
  coturn: 'coturn TURN REST API (ICELANE_TURN_PROVIDER=coturn)',
  static: 'A TURN server with a fixed login (ICELANE_TURN_PROVIDER=static)',
  jwt: 'Join tokens (JWT; off unless a secret or a JWKS URL is set)',
  scale: 'Several nodes (off unless REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS is set)',
  limits: 'Limits against abuse (see "Threat model" in the server README)',
};

/** The `--help` text: every variable, grouped, with its default. */
export function helpText(): string {
  const usage = [
    'Usage: icelane-server [--help]',
    '',
    'icelane signaling server. Configured by environment variables:',
  ];
  return formatHelp(usage, ENV_VARIABLES, GROUP_TITLES);
}
