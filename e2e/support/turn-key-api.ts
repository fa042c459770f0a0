/**
 * A local stand-in for Cloudflare's TURN key API (`POST {base}/v1/turn/keys/{keyId}/credentials/
 * generate-ice-servers`, Bearer token, body `{"ttl": N}`, answer 201 `{"iceServers": [...]}`;
 * revoke answers 204), whose credentials are for a real coturn. The first `refuse` mints are
 * signed with a wrong secret, so coturn answers them 401: a provider handing out bad credentials.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Coturn } from '@icelane/testing';
import { turnRestCredential } from '../nat-lab/turn-credential.js';

export interface TurnKeyApi {
  /** Set as `CLOUDFLARE_TURN_API_URL`. */
  url: string;
  keyId: string;
  token: string;
  /** How many credentials were minted so far. */
  minted(): number;
  /** The server variables that select this API as the TURN provider. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startTurnKeyApi(coturn: Coturn, refuse: number): Promise<TurnKeyApi> {
  const keyId = randomBytes(16).toString('hex');
  const token = randomBytes(24).toString('hex');
  const base = `/v1/turn/keys/${keyId}/credentials`;
  let minted = 0;

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const reply = (status: number, payload?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    if (request.headers.authorization !== `Bearer ${token}`) return reply(401, { success: false });
    if (request.method !== 'POST') return reply(405, { success: false });
    if (request.url === `${base}/generate-ice-servers`) {
      const ttl = (JSON.parse(body || '{}') as { ttl?: unknown }).ttl;
      if (typeof ttl !== 'number') return reply(400, { success: false });
      minted += 1;
      const secret = minted <= refuse ? `not-${coturn.secret}` : coturn.secret;
      const { username, credential } = turnRestCredential(secret, `key-api-${minted}`, ttl);
      return reply(201, {
        iceServers: [{ urls: [coturn.udpUrl, coturn.tcpUrl], username, credential }],
      });
    }
    if (request.url?.startsWith(`${base}/`) && request.url.endsWith('/revoke')) {
      response.writeHead(204).end();
      return;
    }
    reply(404, { success: false });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    keyId,
    token,
    minted: () => minted,
    env: () => ({
      ICELANE_TURN_PROVIDER: 'cloudflare',
      CLOUDFLARE_TURN_API_URL: url,
      CLOUDFLARE_TURN_KEY_ID: keyId,
      CLOUDFLARE_TURN_API_TOKEN: token,
      // Minted per join and per refresh, so a refresh brings new credentials.
      ICELANE_CREDENTIAL_SCOPE: 'per-session',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}
