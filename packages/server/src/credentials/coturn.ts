/**
 * coturn with the TURN REST API's shared secret (`use-auth-secret`): credentials are computed
 * here, free and offline, so each session gets its own by default.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { parseIceUrl } from '@icelane/protocol';
import type { MintRequest, TurnCredential, TurnProvider } from './provider.js';

export interface CoturnProviderOptions {
  /** `turn:`/`turns:` URLs of the coturn servers (`ICELANE_COTURN_URLS`). */
  urls: string[];
  /**
   * Shared secrets (`ICELANE_COTURN_SECRETS`); credentials are minted with the first. To rotate:
   * add the new secret to coturn, put it first here, and remove the old one from both once the
   * credentials it signed have expired.
   */
  secrets: string[];
  now: () => number;
  /** The opaque id in the username when the request names no session. */
  randomId: () => string;
}

export const coturnProviderDefaults: Omit<CoturnProviderOptions, 'urls' | 'secrets'> = {
  now: () => Date.now(),
  randomId: () => randomBytes(9).toString('base64url'),
};

/**
 * The TURN REST API username: `"<expiry unix seconds>:<opaque id>"`; the opaque id is the session
 * id, and `.<user handle>` when the join named a user.
 */
export function turnRestUsername(expiresAtSeconds: number, id: string): string {
  return `${Math.floor(expiresAtSeconds)}:${id}`;
}

/** The TURN REST API password: `base64(HMAC-SHA1(secret, username))`. */
export function turnRestCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export function createCoturnProvider(
  options: Pick<CoturnProviderOptions, 'urls' | 'secrets'> & Partial<CoturnProviderOptions>,
): TurnProvider {
  const o: CoturnProviderOptions = { ...coturnProviderDefaults, ...options };
  if (o.urls.length === 0) throw new Error('coturn: no TURN URL configured');
  for (const url of o.urls) {
    const parsed = parseIceUrl(url);
    if (!parsed || (parsed.scheme !== 'turn' && parsed.scheme !== 'turns')) {
      throw new Error(`coturn: "${url}" is not a turn: or turns: URL`);
    }
    if (parsed.port === 53) throw new Error(`coturn: "${url}" is on port 53, which browsers block`);
  }
  const secret = o.secrets[0];
  if (!secret || o.secrets.some((candidate) => candidate.length === 0)) {
    throw new Error('coturn: at least one shared secret is needed, and none may be empty');
  }
  const urls = [...o.urls];

  return {
    name: 'coturn',
    defaultScope: 'per-session',
    secrets: [...o.secrets],
    urls,

    mint(request: MintRequest): Promise<TurnCredential> {
      if (!Number.isFinite(request.ttlSeconds) || request.ttlSeconds < 1) {
        return Promise.reject(new RangeError('coturn: ttlSeconds must be a positive number'));
      }
      const issuedAt = o.now();
      const expiresAtSeconds = Math.floor(issuedAt / 1000 + request.ttlSeconds);
      // coturn splits the username at its first ':'; the id part must not hide another expiry.
      // The user handle rides in the opaque part, so coturn's session log names it.
      const opaque = request.user
        ? `${request.sessionId ?? o.randomId()}.${request.user}`
        : undefined;
      const id = (opaque ?? request.sessionId ?? o.randomId()).replace(/:/g, '_');
      const username = turnRestUsername(expiresAtSeconds, id);
      return Promise.resolve({
        iceServers: [{ urls, username, credential: turnRestCredential(secret, username) }],
        issuedAt,
        expiresAt: expiresAtSeconds * 1000,
      });
    },
  };
}
