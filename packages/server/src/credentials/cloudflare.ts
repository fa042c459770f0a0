/**
 * Cloudflare Realtime TURN: credentials minted by its API, cached and shared by default (each
 * mint is an API call).
 */
import { credentialedServers } from './ice-server-shape.js';
import { httpCall, readJson } from './http-call.js';
import {
  ProviderError,
  type MintRequest,
  type TurnCredential,
  type TurnProvider,
} from './provider.js';

/** Cloudflare refuses longer lifetimes. */
export const CLOUDFLARE_MAX_TTL_SECONDS = 48 * 3600;

export interface CloudflareOptions {
  /** The TURN key id (`CLOUDFLARE_TURN_KEY_ID`). */
  keyId: string;
  /** The TURN key's API token (`CLOUDFLARE_TURN_API_TOKEN`). */
  apiToken: string;
  /** The API base URL (`CLOUDFLARE_TURN_API_URL`); tests point it at a local server. */
  apiUrl: string;
  /**
   * `generate-ice-servers` (current; answers an array of servers) or `generate` (older; answers
   * a single server object).
   */
  endpoint: 'generate-ice-servers' | 'generate';
  /** Each API call gives up after this long. */
  timeoutMs: number;
  /** Records `issuedAt` and `expiresAt`; Cloudflare returns no timestamps. */
  now: () => number;
  fetch: typeof fetch;
}

export const cloudflareDefaults: Omit<CloudflareOptions, 'keyId' | 'apiToken'> = {
  apiUrl: 'https://rtc.live.cloudflare.com',
  endpoint: 'generate-ice-servers',
  timeoutMs: 5_000,
  now: () => Date.now(),
  fetch: (input, init) => fetch(input, init),
};

/**
 * @example
 * const provider = createCloudflareProvider({ keyId, apiToken });
 * const credential = await provider.mint({ ttlSeconds: 86_400 });
 */
export function createCloudflareProvider(
  options: Pick<CloudflareOptions, 'keyId' | 'apiToken'> & Partial<CloudflareOptions>,
): TurnProvider {
  const o: CloudflareOptions = { ...cloudflareDefaults, ...options };
  if (!o.keyId) throw new Error('cloudflare TURN: the key id is empty');
  if (!o.apiToken) throw new Error('cloudflare TURN: the API token is empty');
  let base: URL;
  try {
    base = new URL(o.apiUrl);
  } catch {
    throw new Error('cloudflare TURN: the API URL is not a URL');
  }
  const credentialsUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}/v1/turn/keys/${encodeURIComponent(o.keyId)}/credentials`;
  const headers = {
    authorization: `Bearer ${o.apiToken}`,
    'content-type': 'application/json',
  };

  return {
    name: 'cloudflare',
    defaultScope: 'shared',
    secrets: [o.apiToken],

    async mint(request: MintRequest): Promise<TurnCredential> {
      const ttl = clampTtl(request.ttlSeconds);
      const label = 'cloudflare mint';
      const issuedAt = o.now();
      const response = await httpCall({
        label,
        url: `${credentialsUrl}/${o.endpoint}`,
        init: {
          method: 'POST',
          headers,
          // Cloudflare tags the credential's usage with it ("Tag users with custom identifiers").
          body: JSON.stringify(request.user ? { ttl, customIdentifier: request.user } : { ttl }),
        },
        okStatuses: [201, 200],
        timeoutMs: o.timeoutMs,
        signal: request.signal,
        fetch: o.fetch,
      });
      const body = await readJson(response, label);
      if (typeof body !== 'object' || body === null || !('iceServers' in body)) {
        throw new ProviderError('bad-response', `${label}: the answer has no iceServers`);
      }
      const iceServers = credentialedServers(body.iceServers, label);
      return {
        iceServers,
        issuedAt,
        expiresAt: issuedAt + ttl * 1000,
        revokeId: iceServers[0]!.username,
      };
    },

    async revoke(credential: TurnCredential): Promise<void> {
      if (!credential.revokeId) return;
      await httpCall({
        label: 'cloudflare revoke',
        url: `${credentialsUrl}/${encodeURIComponent(credential.revokeId)}/revoke`,
        init: { method: 'POST', headers },
        okStatuses: [204, 200],
        timeoutMs: o.timeoutMs,
        fetch: o.fetch,
      });
    },
  };
}

function clampTtl(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError('cloudflare TURN: ttlSeconds must be a positive number');
  }
  return Math.min(CLOUDFLARE_MAX_TTL_SECONDS, Math.floor(ttlSeconds));
}
