import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assembleIceServers } from '@icelane/protocol';
import {
  CLOUDFLARE_MAX_TTL_SECONDS,
  createCloudflareProvider,
} from '../../src/credentials/cloudflare.js';
import { ProviderError, type TurnProvider } from '../../src/credentials/provider.js';
import { startCloudflareFake, type CloudflareFake } from '@icelane/testing';

let fake: CloudflareFake;
let clock: number;
const provider = (
  extra: Partial<Parameters<typeof createCloudflareProvider>[0]> = {},
): TurnProvider =>
  createCloudflareProvider({
    keyId: fake.keyId,
    apiToken: fake.token,
    apiUrl: fake.url,
    now: () => clock,
    ...extra,
  });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeEach(async () => {
  fake = await startCloudflareFake();
  clock = 1_800_000_000_000;
});
afterEach(async () => {
  await fake.close();
});

describe('cloudflare provider', () => {
  it('mints with the documented request and records issuedAt and expiresAt itself', async () => {
    const credential = await provider().mint({ ttlSeconds: 3600 });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: `/v1/turn/keys/${fake.keyId}/credentials/generate-ice-servers`,
      authorization: `Bearer ${fake.token}`,
      body: { ttl: 3600 },
    });
    const issued = fake.issued[0]!;
    expect(credential.issuedAt).toBe(clock);
    expect(credential.expiresAt).toBe(clock + 3600_000);
    expect(credential.revokeId).toBe(issued.username);
    // Cloudflare's own STUN entry carries no credential and is left to the configured STUN list.
    expect(credential.iceServers).toEqual([
      expect.objectContaining({ username: issued.username, credential: issued.credential }),
    ]);
  });

  it('accepts 200 as well as 201', async () => {
    fake.mode = { kind: 'ok', status: 200 };
    const credential = await provider().mint({ ttlSeconds: 60 });
    expect(credential.iceServers[0]!.credential).toBe(fake.issued[0]!.credential);
  });

  it('parses the older endpoint, which answers a single server object', async () => {
    const credential = await provider({ endpoint: 'generate' }).mint({ ttlSeconds: 60 });
    expect(fake.requests[0]!.path).toBe(`/v1/turn/keys/${fake.keyId}/credentials/generate`);
    expect(credential.iceServers).toHaveLength(1);
    expect(credential.iceServers[0]).toMatchObject({
      username: fake.issued[0]!.username,
      urls: expect.arrayContaining(['turns:turn.cloudflare.com:443?transport=tcp']),
    });
  });

  it('clamps the TTL to 48 hours', async () => {
    const credential = await provider().mint({ ttlSeconds: 7 * 86_400 });
    expect(fake.requests[0]!.body).toEqual({ ttl: CLOUDFLARE_MAX_TTL_SECONDS });
    expect(credential.expiresAt).toBe(clock + CLOUDFLARE_MAX_TTL_SECONDS * 1000);
  });

  it('hands out Cloudflare URLs without port 53, within the cap, TURNS on 443 first', async () => {
    const credential = await provider().mint({ ttlSeconds: 60 });
    const { iceServers, dropped } = assembleIceServers(
      [{ urls: 'stun:stun.cloudflare.com:3478' }, ...credential.iceServers],
      { maxUrls: 4 },
    );
    const urls = iceServers.flatMap((server) => server.urls);
    expect(urls).toEqual([
      'stun:stun.cloudflare.com:3478',
      'turn:turn.cloudflare.com:3478?transport=udp',
      'turn:turn.cloudflare.com:3478?transport=tcp',
      'turns:turn.cloudflare.com:443?transport=tcp',
    ]);
    expect(dropped).toContainEqual({
      url: 'turn:turn.cloudflare.com:53?transport=udp',
      reason: 'port-53',
    });
    expect(iceServers[1]!.credential).toBe(fake.issued[0]!.credential);
  });

  it('reports a refused token as an auth error, without the token', async () => {
    const error = await failure(
      provider({ apiToken: 'not-the-right-token' }).mint({ ttlSeconds: 60 }),
    );
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).not.toContain('not-the-right-token');
  });

  it('reports 403 as an auth error', async () => {
    fake.mode = { kind: 'status', status: 403 };
    expect((await failure(provider().mint({ ttlSeconds: 60 }))).kind).toBe('auth');
  });

  it('reports 5xx as unavailable', async () => {
    fake.mode = { kind: 'status', status: 500 };
    const error = await failure(provider().mint({ ttlSeconds: 60 }));
    expect(error).toMatchObject({ kind: 'unavailable', status: 500 });
    expect(error.message).not.toContain(fake.token);
  });

  it('reports an unreachable API as unavailable', async () => {
    const url = fake.url;
    await fake.close();
    const error = await failure(provider({ apiUrl: url }).mint({ ttlSeconds: 60 }));
    expect(error.kind).toBe('unavailable');
    fake = await startCloudflareFake();
  });

  it('gives up on a slow answer after its timeout', async () => {
    fake.mode = { kind: 'slow', delayMs: 5_000 };
    const started = Date.now();
    const error = await failure(provider({ timeoutMs: 200 }).mint({ ttlSeconds: 60 }));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops when the caller aborts', async () => {
    fake.mode = { kind: 'slow', delayMs: 5_000 };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(provider().mint({ ttlSeconds: 60, signal: controller.signal }));
    expect(error.kind).toBe('timeout');
  });

  it.each([
    ['not JSON', 'Internal <b>error</b>'],
    ['no iceServers', '{"result":{}}'],
    ['urls of the wrong type', '{"iceServers":[{"urls":42,"username":"u","credential":"c"}]}'],
    ['no server with credentials', '{"iceServers":[{"urls":"stun:stun.cloudflare.com:3478"}]}'],
  ])('reports a bad answer (%s) as bad-response', async (_what, body) => {
    fake.mode = { kind: 'body', body };
    expect((await failure(provider().mint({ ttlSeconds: 60 }))).kind).toBe('bad-response');
  });

  it('accepts urls given as a single string', async () => {
    fake.mode = {
      kind: 'body',
      body: '{"iceServers":[{"urls":"turn:turn.cloudflare.com:3478","username":"u1","credential":"c1"}]}',
    };
    const credential = await provider().mint({ ttlSeconds: 60 });
    expect(credential.iceServers).toEqual([
      { urls: 'turn:turn.cloudflare.com:3478', username: 'u1', credential: 'c1' },
    ]);
  });

  it('revokes a credential by its username and expects 204', async () => {
    const cf = provider();
    const credential = await cf.mint({ ttlSeconds: 60 });
    await cf.revoke!(credential);
    const last = fake.requests.at(-1)!;
    expect(last).toMatchObject({
      method: 'POST',
      path: `/v1/turn/keys/${fake.keyId}/credentials/${fake.issued[0]!.username}/revoke`,
      authorization: `Bearer ${fake.token}`,
    });
    expect(fake.revoked).toEqual([fake.issued[0]!.username]);
  });

  it('refuses an empty key id or token at construction', () => {
    expect(() => createCloudflareProvider({ keyId: '', apiToken: 't' })).toThrow(/key id/);
    expect(() => createCloudflareProvider({ keyId: 'k', apiToken: '' })).toThrow(/token/);
    expect(() => createCloudflareProvider({ keyId: 'k', apiToken: 't', apiUrl: 'nope' })).toThrow(
      /URL/,
    );
  });

  it('declares its token as a secret and shares credentials by default', () => {
    const cf = provider();
    expect(cf.secrets).toEqual([fake.token]);
    expect(cf.defaultScope).toBe('shared');
  });
});
