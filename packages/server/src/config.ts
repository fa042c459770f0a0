/**
 * The server's configuration, read from the environment. {@link readConfig} is a pure function
 * of an env object; one table, {@link ENV_VARIABLES} (env-variables.ts), names every variable and
 * produces `--help`.
 * Errors name the variable and what it expects, and never echo a secret's value.
 */
import { parseIceUrl, type IcePolicy } from '@icelane/protocol';
import type { IcelaneServerOptions } from './app.js';
import { iceSourceDefaults, type IceSourceOptions } from './credentials/ice-source.js';
import { MIN_USER_HANDLE_KEY_BYTES } from './credentials/user-handle.js';
import type { CredentialScope } from './credentials/provider.js';
import { MIN_SECRET_BYTES } from './auth/jwt-verifier.js';
import { readLimits, type LimitOptions } from './config-limits.js';
import { EnvReader, type Env } from './env-reader.js';
import { describeValue } from './value-hint.js';
import { readRedisConfig, redisSecrets, type RedisConfig } from './config-redis.js';
import { ENV_VARIABLES, PROVIDERS, helpText, type EnvName } from './env-variables.js';
import { isAddressOrRange } from './clients/ip-address.js';
import type { LogLevel } from './observability/logger.js';

const ice = iceSourceDefaults;
type ProviderChoice = (typeof PROVIDERS)[number];

/** The built-in join token check; `null` when off (everyone may join). */
export interface JwtConfig {
  /** HS256 shared secret; `null` when the keys come from `jwksUrl`. */
  secret: string | null;
  /** RS256/ES256 keys; `null` with a secret. */
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
}

/** Where TURN credentials come from, as configured. */
export type TurnConfig =
  | { provider: 'none' }
  | { provider: 'cloudflare'; keyId: string; apiToken: string; apiUrl: string }
  | { provider: 'coturn'; urls: string[]; secrets: string[] }
  | { provider: 'static'; urls: string[]; username?: string; credential?: string };

/** A provider that mints TURN credentials: any but `none`. */
export type ProviderTurnConfig = Exclude<TurnConfig, { provider: 'none' }>;

/** PEM files to serve HTTPS with; read by the CLI, which names the variable when they are bad. */
export interface TlsConfig {
  certFile: string;
  keyFile: string;
}

export interface IcelaneConfig {
  port: number;
  host: string;
  /** `null`: plain HTTP. */
  tls: TlsConfig | null;
  logLevel: LogLevel;
  /** The provider new joins ask first. */
  turn: TurnConfig;
  /** The providers asked next, in order, when it fails (the rest of `ICELANE_TURN_PROVIDER`). */
  turnFallbacks: ProviderTurnConfig[];
  /** The key of the user handles in per-session credentials; `null`: random per process. */
  userHandleKey: string | null;
  jwt: JwtConfig | null;
  /** The Redis several nodes share; `null` for a single node. */
  redis: RedisConfig | null;
  /** Everything of the ICE source but the provider, built from `turn`. */
  ice: Omit<
    IceSourceOptions,
    | 'provider'
    | 'fallbacks'
    | 'backoff'
    | 'mintTimeoutMs'
    | 'refreshAheadRatio'
    | 'maxRevocableSessions'
  >;
  server: Pick<
    IcelaneServerOptions,
    'roomPeerCap' | 'corsOrigins' | 'staticDir' | 'trustedProxies'
  > &
    LimitOptions;
  /** The secret values, for the logger to redact. */
  secrets: string[];
}

type Reader = EnvReader<EnvName>;

/** Reads and validates the configuration; throws a `ConfigError` naming each bad variable. */
export function readConfig(env: Env): IcelaneConfig {
  const r: Reader = new EnvReader(env, ENV_VARIABLES);
  const port = r.integer('PORT', 0, 65_535);
  const host = r.text('HOST');
  const logLevel = r.choice('ICELANE_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const);
  const roomPeerCap = r.integer('ICELANE_ROOM_PEER_CAP', 1, 64);
  const corsOrigins = r.list(
    'ICELANE_CORS_ORIGINS',
    isOrigin,
    'an origin such as https://example.com, or *',
  );
  const staticDir = r.text('ICELANE_STATIC_DIR') || null;
  const tls = readTls(r);
  const trustedProxies = readTrustedProxies(r);
  const limits = readLimits(r);
  // An empty list is a choice here (no STUN), not an unset variable.
  const stunUrls = r.list(
    'ICELANE_STUN_URLS',
    isStunUrl,
    'a stun: or stuns: URL, not on port 53',
    true,
  );
  const stunProbeUrls = r.list(
    'ICELANE_STUN_PROBE_URLS',
    isStunUrl,
    'a stun: or stuns: URL, not on port 53',
  );
  const ttlSeconds = r.integer('ICELANE_TURN_TTL_SECONDS', 60, 7 * 86_400);
  const scopeText = r.choice('ICELANE_CREDENTIAL_SCOPE', ['', 'shared', 'per-session'] as const);
  const maxUrls = r.integer('ICELANE_MAX_ICE_URLS', 1, 10);
  const joinTimeoutMs = r.integer('ICELANE_JOIN_TIMEOUT_MS', 100, 60_000);
  const policy: IcePolicy = r.choice('ICELANE_RELAY_POLICY', ['all', 'relay'] as const);
  const { turn, fallbacks: turnFallbacks } = readTurnList(r);
  const breaker = {
    failureThreshold: r.integer('ICELANE_FAILOVER_THRESHOLD', 1, 1_000),
    cooldownMs: r.integer('ICELANE_FAILOVER_COOLDOWN_MS', 1_000, 86_400_000),
  };
  const userHandleKey = readUserHandleKey(r);
  const jwt = readJwt(r);
  const redis = readRedisConfig(r);
  if (policy === 'relay' && turn.provider === 'none') {
    r.issue('ICELANE_RELAY_POLICY', 'relay needs a TURN provider (see ICELANE_TURN_PROVIDER)');
  }
  r.throwIfIssues();

  return {
    port,
    host,
    tls,
    logLevel,
    turn,
    turnFallbacks,
    userHandleKey,
    jwt,
    redis,
    ice: {
      stunUrls,
      stunProbeUrls,
      scope: scopeText === '' ? null : (scopeText satisfies CredentialScope),
      ttlSeconds,
      minRemainingMs: Math.min(ice.minRemainingMs, Math.floor((ttlSeconds * 1000) / 4)),
      maxUrls,
      joinTimeoutMs,
      policy,
      breaker,
    },
    server: { roomPeerCap, corsOrigins, staticDir, trustedProxies, ...limits },
    secrets: [...r.secretValues(), ...redisSecrets(redis)],
  };
}

function readTls(r: Reader): TlsConfig | null {
  const certFile = r.text('ICELANE_TLS_CERT');
  const keyFile = r.text('ICELANE_TLS_KEY');
  if (certFile === '' && keyFile === '') return null;
  if (certFile === '') r.issue('ICELANE_TLS_CERT', 'required with ICELANE_TLS_KEY');
  if (keyFile === '') r.issue('ICELANE_TLS_KEY', 'required with ICELANE_TLS_CERT');
  return { certFile, keyFile };
}

function readTrustedProxies(r: Reader): string[] {
  // A count (what this variable once took) believed any client's header; `0` still means none.
  if (r.text('ICELANE_TRUSTED_PROXIES') === '0') return [];
  if (/^\d+$/.test(r.text('ICELANE_TRUSTED_PROXIES'))) {
    r.issue(
      'ICELANE_TRUSTED_PROXIES',
      "expected the proxies' IP addresses or CIDR ranges (e.g. 10.0.0.0/8), not a count: " +
        'a count would believe X-Forwarded-For from anyone who connects directly',
    );
    return [];
  }
  return r.list('ICELANE_TRUSTED_PROXIES', isAddressOrRange, 'an IP address or CIDR range');
}

/**
 * `ICELANE_TURN_PROVIDER`: one provider as before, or an ordered list of them (the failover
 * order); absent, the provider whose variables are set.
 */
function readTurnList(r: Reader): { turn: TurnConfig; fallbacks: ProviderTurnConfig[] } {
  const none = { turn: { provider: 'none' } as const, fallbacks: [] };
  if (!r.isSet('ICELANE_TURN_PROVIDER')) {
    return { turn: readTurn(r, inferProvider(r)), fallbacks: [] };
  }
  const names = r
    .text('ICELANE_TURN_PROVIDER')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const known = (name: string): name is ProviderChoice =>
    (PROVIDERS as readonly string[]).includes(name);
  const unknown = names.filter((name) => !known(name));
  if (unknown.length > 0) {
    r.issue(
      'ICELANE_TURN_PROVIDER',
      `expected one of ${PROVIDERS.join(', ')}, or an ordered list such as cloudflare,coturn; ` +
        `got ${unknown.map((name) => describeValue(name)).join(', ')}`,
    );
    return none;
  }
  if (names.length > 1 && names.includes('none')) {
    r.issue('ICELANE_TURN_PROVIDER', 'none cannot be part of a list of providers');
    return none;
  }
  if (new Set(names).size !== names.length) {
    r.issue('ICELANE_TURN_PROVIDER', `each provider may be listed once; got ${names.join(',')}`);
    return none;
  }
  const [first, ...rest] = names.filter(known).map((name) => readTurn(r, name));
  return {
    turn: first ?? { provider: 'none' },
    fallbacks: rest.filter((turn): turn is ProviderTurnConfig => turn.provider !== 'none'),
  };
}

function readUserHandleKey(r: Reader): string | null {
  if (!r.isSet('ICELANE_USER_HANDLE_KEY')) return null;
  const key = r.text('ICELANE_USER_HANDLE_KEY');
  if (Buffer.byteLength(key) < MIN_USER_HANDLE_KEY_BYTES) {
    r.issue('ICELANE_USER_HANDLE_KEY', `must be at least ${MIN_USER_HANDLE_KEY_BYTES} bytes`);
  }
  return key;
}

function readTurn(r: Reader, provider: ProviderChoice | null): TurnConfig {
  switch (provider) {
    case null:
    case 'none':
      return { provider: 'none' };
    case 'cloudflare':
      return {
        provider,
        keyId: r.required('CLOUDFLARE_TURN_KEY_ID', provider),
        apiToken: r.required('CLOUDFLARE_TURN_API_TOKEN', provider),
        apiUrl: r.url('CLOUDFLARE_TURN_API_URL'),
      };
    case 'coturn': {
      const urls = r.list(
        'ICELANE_COTURN_URLS',
        isTurnUrl,
        'a turn: or turns: URL, not on port 53',
      );
      const secrets = r.list('ICELANE_COTURN_SECRETS', (s) => s.length > 0, 'a secret');
      if (urls.length === 0) r.issue('ICELANE_COTURN_URLS', 'required when the provider is coturn');
      if (secrets.length === 0) {
        r.issue('ICELANE_COTURN_SECRETS', 'required when the provider is coturn');
      }
      return { provider, urls, secrets };
    }
    case 'static': {
      const urls = r.list(
        'ICELANE_STATIC_TURN_URLS',
        isIceUrl,
        'a turn:, turns: or stun: URL, not on port 53',
      );
      if (urls.length === 0) {
        r.issue('ICELANE_STATIC_TURN_URLS', 'required when the provider is static');
      }
      const username = r.text('ICELANE_STATIC_TURN_USERNAME');
      const credential = r.text('ICELANE_STATIC_TURN_CREDENTIAL');
      // Browsers refuse a turn: URL without a login when the connection is created; say so now.
      if (urls.some(isTurnUrl)) {
        if (!username) r.issue('ICELANE_STATIC_TURN_USERNAME', 'required with turn: URLs');
        if (!credential) r.issue('ICELANE_STATIC_TURN_CREDENTIAL', 'required with turn: URLs');
      }
      return { provider, urls, ...(username && { username }), ...(credential && { credential }) };
    }
  }
}

function readJwt(r: Reader): JwtConfig | null {
  const secret = r.text('ICELANE_JWT_SECRET') || null;
  const jwksUrl = r.isSet('ICELANE_JWT_JWKS_URL') ? r.url('ICELANE_JWT_JWKS_URL') : null;
  const issuer = r.text('ICELANE_JWT_ISSUER') || null;
  const audience = r.text('ICELANE_JWT_AUDIENCE') || null;
  if (secret !== null && jwksUrl !== null) {
    r.issue(
      'ICELANE_JWT_SECRET',
      'set ICELANE_JWT_SECRET or ICELANE_JWT_JWKS_URL, not both (a token must not choose its key)',
    );
  }
  if (secret !== null && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    r.issue('ICELANE_JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (secret === null && jwksUrl === null) {
    if (issuer !== null) {
      r.issue('ICELANE_JWT_ISSUER', 'needs ICELANE_JWT_SECRET or ICELANE_JWT_JWKS_URL');
    }
    if (audience !== null) {
      r.issue('ICELANE_JWT_AUDIENCE', 'needs ICELANE_JWT_SECRET or ICELANE_JWT_JWKS_URL');
    }
    return null;
  }
  return { secret, jwksUrl, issuer, audience };
}

/** The provider whose variables are set; several at once is ambiguous. */
function inferProvider(r: Reader): ProviderChoice | null {
  const configured = (
    [
      ['cloudflare', ['CLOUDFLARE_TURN_KEY_ID', 'CLOUDFLARE_TURN_API_TOKEN']],
      ['coturn', ['ICELANE_COTURN_SECRETS', 'ICELANE_COTURN_URLS']],
      ['static', ['ICELANE_STATIC_TURN_URLS']],
    ] as const
  )
    .filter(([, names]) => names.some((name) => r.isSet(name)))
    .map(([provider]) => provider);
  if (configured.length > 1) {
    r.issue(
      'ICELANE_TURN_PROVIDER',
      `variables of several providers are set (${configured.join(', ')}); choose one, or list ` +
        `them in the order to try them (e.g. ${configured.join(',')})`,
    );
  }
  return configured[0] ?? null;
}

function isOrigin(value: string): boolean {
  if (value === '*') return true;
  return URL.canParse(value) && new URL(value).origin === value;
}

/** A URL browsers accept; port 53 is refused here because browsers block it. */
function usableIceUrl(url: string, schemes: readonly string[]): boolean {
  const parsed = parseIceUrl(url);
  return parsed !== null && parsed.port !== 53 && schemes.includes(parsed.scheme);
}

const isStunUrl = (url: string) => usableIceUrl(url, ['stun', 'stuns']);
const isTurnUrl = (url: string) => usableIceUrl(url, ['turn', 'turns']);
const isIceUrl = (url: string) => usableIceUrl(url, ['stun', 'stuns', 'turn', 'turns']);

export { ENV_VARIABLES, helpText, type EnvName };
