/**
 * The signing keys of a JWKS URL: fetched with a timeout, cached, and fetched again when a token
 * names a key we do not have (keys rotate) — but never more often than `minRefetchMs`, so a
 * stream of tokens with made-up `kid`s cannot turn into a stream of requests to the key server.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { JwtError } from './jwt-error.js';
import { keyFitsAlgorithm, type JwtAlgorithm } from './jwt-algorithms.js';

export interface JwksOptions {
  url: string;
  /** One fetch gives up after this long. */
  timeoutMs: number;
  /** Fetches (whatever their outcome) are at least this far apart. */
  minRefetchMs: number;
  /** Keys older than this are fetched again on next use; kept if that fetch fails. */
  maxAgeMs: number;
  /** A key set larger than this is refused. */
  maxBytes: number;
  /**
   * A token without `kid` is checked against at most this many fitting keys, the first in the
   * set: each is a signature check a forger gets for free. Identity providers name their keys.
   */
  maxKeysWithoutKid: number;
  now: () => number;
  fetch: typeof fetch;
}

export const jwksDefaults: Omit<JwksOptions, 'url'> = {
  timeoutMs: 3_000,
  minRefetchMs: 30_000,
  maxAgeMs: 10 * 60_000,
  maxBytes: 256 * 1024,
  maxKeysWithoutKid: 3,
  now: () => Date.now(),
  fetch: (input, init) => fetch(input, init),
};

interface JwksKey {
  kid: string | undefined;
  key: KeyObject;
  /** The `alg` the JWK declares, if any: the key is then used for that algorithm alone. */
  alg: string | undefined;
}

export interface JwksKeys {
  /**
   * The keys that may have signed a token with this `kid` and `alg` (when the token names none,
   * the first `maxKeysWithoutKid` fitting keys). Rejects with `keys-unavailable` when the set cannot be fetched and no
   * cached key fits.
   */
  keysFor(kid: string | undefined, alg: JwtAlgorithm): Promise<KeyObject[]>;
  /** Where the keys come from, without query or credentials, for messages. */
  readonly source: string;
}

export function createJwksKeys(options: Pick<JwksOptions, 'url'> & Partial<JwksOptions>): JwksKeys {
  const o: JwksOptions = { ...jwksDefaults, ...options };
  const parsed = new URL(o.url);
  const source = `${parsed.origin}${parsed.pathname}`;
  let keys: JwksKey[] = [];
  let fetchedAt: number | null = null;
  let lastAttemptAt: number | null = null;
  let lastFailure: string | null = null;
  let flight: Promise<void> | null = null;

  const matching = (kid: string | undefined, alg: JwtAlgorithm) =>
    keys
      .filter((k) => kid === undefined || k.kid === kid)
      .filter((k) => (k.alg === undefined || k.alg === alg) && keyFitsAlgorithm(k.key, alg))
      .slice(0, kid === undefined ? o.maxKeysWithoutKid : undefined)
      .map((k) => k.key);

  const load = async (): Promise<void> => {
    lastAttemptAt = o.now();
    try {
      keys = await fetchKeySet(o, source);
      fetchedAt = o.now();
      lastFailure = null;
    } catch (error) {
      lastFailure = error instanceof Error ? error.message : String(error);
      throw error;
    }
  };

  const refetch = (): Promise<void> => {
    flight ??= load().finally(() => (flight = null));
    return flight;
  };

  const mayFetch = () => lastAttemptAt === null || o.now() - lastAttemptAt >= o.minRefetchMs;

  return {
    source,
    async keysFor(kid, alg) {
      const stale = fetchedAt === null || o.now() - fetchedAt >= o.maxAgeMs;
      let found = matching(kid, alg);
      if ((found.length === 0 || stale) && (flight || mayFetch())) {
        try {
          await refetch();
          found = matching(kid, alg);
        } catch {
          // Kept keys still verify their tokens; only a token no cached key fits is refused.
        }
      }
      if (found.length > 0) return found;
      if (fetchedAt === null || lastFailure !== null) {
        const retryInS = Math.ceil(
          Math.max(0, (lastAttemptAt ?? 0) + o.minRefetchMs - o.now()) / 1000,
        );
        throw new JwtError(
          'keys-unavailable',
          `cannot fetch the signing keys from ${source} (${lastFailure ?? 'not fetched yet'}); next attempt in ${retryInS} s at the earliest`,
        );
      }
      throw new JwtError('unknown-key', 'no signing key fits the token');
    },
  };
}

async function fetchKeySet(o: JwksOptions, source: string): Promise<JwksKey[]> {
  let response: Response;
  try {
    response = await o.fetch(o.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(o.timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError') throw new Error(`no answer within ${o.timeoutMs} ms`);
    throw new Error(`request failed: ${networkCode(error)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > o.maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`the key set is larger than ${o.maxBytes} bytes`);
  }
  let body: unknown;
  try {
    const bytes = await response.arrayBuffer();
    if (bytes.byteLength > o.maxBytes) throw new Error('too large');
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error(`the answer of ${source} is not a JSON key set`);
  }
  const list = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error('the answer has no "keys" array');
  return list.flatMap((jwk) => publicKeyOf(jwk));
}

/** The usable signing key of one JWK, or nothing (other key types and uses are skipped). */
function publicKeyOf(jwk: unknown): JwksKey[] {
  if (typeof jwk !== 'object' || jwk === null) return [];
  const { kty, use, kid, alg } = jwk as Record<string, unknown>;
  if (kty !== 'RSA' && kty !== 'EC') return [];
  if (use !== undefined && use !== 'sig') return [];
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return [
      {
        kid: typeof kid === 'string' ? kid : undefined,
        alg: typeof alg === 'string' ? alg : undefined,
        key,
      },
    ];
  } catch {
    return [];
  }
}

// Network errors from undici carry the useful part in `cause.code` (ECONNREFUSED, ENOTFOUND).
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown error';
}
