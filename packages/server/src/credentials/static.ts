/**
 * A fixed TURN server and credential, for a server you run yourself without the REST API.
 * The credential never expires from our point of view, so it is shared.
 */
import { parseIceUrl, type IceServer } from '@icelane/protocol';
import type { TurnCredential, TurnProvider } from './provider.js';

export interface StaticProviderOptions {
  /** `turn:`/`turns:` (and optionally `stun:`) URLs (`ICELANE_STATIC_TURN_URLS`). */
  urls: string[];
  username?: string;
  credential?: string;
  now: () => number;
}

export const staticProviderDefaults: Omit<StaticProviderOptions, 'urls'> = {
  now: () => Date.now(),
};

export function createStaticProvider(
  options: Pick<StaticProviderOptions, 'urls'> & Partial<StaticProviderOptions>,
): TurnProvider {
  const o: StaticProviderOptions = { ...staticProviderDefaults, ...options };
  if (o.urls.length === 0) throw new Error('static TURN: no URL configured');
  let turnUrls = 0;
  for (const url of o.urls) {
    const parsed = parseIceUrl(url);
    if (!parsed) throw new Error(`static TURN: "${url}" is not a valid ICE server URL`);
    if (parsed.port === 53)
      throw new Error(`static TURN: "${url}" is on port 53, which browsers block`);
    if (parsed.scheme === 'turn' || parsed.scheme === 'turns') turnUrls++;
  }
  // Browsers reject a TURN URL without credentials when the peer connection is created.
  if (turnUrls > 0 && (!o.username || !o.credential)) {
    throw new Error('static TURN: turn: and turns: URLs need both a username and a credential');
  }
  const server: IceServer = { urls: [...o.urls] };
  if (o.username) server.username = o.username;
  if (o.credential) server.credential = o.credential;

  return {
    name: 'static',
    defaultScope: 'shared',
    secrets: o.credential ? [o.credential] : [],
    urls: [...o.urls],
    mint: () =>
      Promise.resolve({
        iceServers: [{ ...server }],
        issuedAt: o.now(),
        expiresAt: null,
      } satisfies TurnCredential),
  };
}
