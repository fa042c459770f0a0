/**
 * Reads the ICE servers in a provider's JSON answer, which is untrusted input.
 */
import type { IceServer } from '@icelane/protocol';
import { ProviderError } from './provider.js';

/**
 * Accepts an array of servers or a single server object (Cloudflare's older endpoint); each
 * server has `urls` (a string or an array of strings; `url` is read too, as Twilio sends it),
 * and optional string `username` and `credential`. Keeps only the servers that carry both
 * `username` and `credential`: a provider's own STUN entries add nothing to the configured list.
 */
export function credentialedServers(value: unknown, label: string): IceServer[] {
  const list = Array.isArray(value) ? value : [value];
  const servers: IceServer[] = [];
  for (const item of list) {
    const server = readServer(item, label);
    if (server.username && server.credential) servers.push(server);
  }
  if (servers.length === 0) {
    throw new ProviderError(
      'bad-response',
      `${label}: the answer holds no TURN server with credentials`,
    );
  }
  return servers;
}

function readServer(item: unknown, label: string): IceServer {
  if (typeof item !== 'object' || item === null) {
    throw new ProviderError('bad-response', `${label}: an ICE server is not an object`);
  }
  const record = item as Record<string, unknown>;
  const raw = record.urls ?? record.url;
  const urls = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((url) => typeof url === 'string')) {
    throw new ProviderError('bad-response', `${label}: an ICE server has no usable urls`);
  }
  const { username, credential } = record;
  if (
    (username !== undefined && typeof username !== 'string') ||
    (credential !== undefined && typeof credential !== 'string')
  ) {
    throw new ProviderError('bad-response', `${label}: username and credential must be strings`);
  }
  const server: IceServer = { urls: urls.length === 1 ? urls[0]! : urls };
  if (username !== undefined) server.username = username;
  if (credential !== undefined) server.credential = credential;
  return server;
}
