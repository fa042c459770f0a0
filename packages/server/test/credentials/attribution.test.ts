import { afterEach, describe, expect, it } from 'vitest';
import { createCoturnProvider, createIceSource } from '../../src/credentials/index.js';
import { userHandle } from '../../src/credentials/user-handle.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startCloudflareFake, type CloudflareFake } from '@icelane/testing';
import { cloudflareProviderOn } from '../support/cloudflare-provider.js';

let fake: CloudflareFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** At least 32 bytes, as every user handle key must be. */
const HANDLE_KEY = 'test-handle-key-of-at-least-32-bytes';

const deps = () => ({
  logger: silentLogger,
  metrics: createMetrics({ processMetrics: false }),
  userHandleKey: HANDLE_KEY,
});
const turnUsername = (ice: { iceServers: { username?: string }[] }) =>
  ice.iceServers.find((server) => server.username)?.username;

describe('per-user attribution in TURN credentials', () => {
  it("coturn: the REST username's opaque part carries the session id and a keyed hash of the user, never the user", async () => {
    const source = createIceSource(
      { provider: createCoturnProvider({ urls: ['turn:127.0.0.1:3478'], secrets: ['s3cret'] }) },
      deps(),
    );
    const ice = await source.iceFor({ sessionId: 'sess1', user: 'alice@example.com' });
    const handle = userHandle(HANDLE_KEY, 'alice@example.com');
    expect(turnUsername(ice)).toMatch(new RegExp(`^\\d+:sess1\\.${handle}$`));
    expect(handle).toMatch(/^u[A-Za-z0-9_-]{16}$/);
    expect(turnUsername(ice)).not.toContain('alice');
    // Stable per user, distinct between users; a join that named nobody has no handle.
    const again = await source.iceFor({ sessionId: 'sess2', user: 'alice@example.com' });
    expect(turnUsername(again)!.endsWith(`.${handle}`)).toBe(true);
    const bob = await source.iceFor({ sessionId: 'sess3', user: 'bob@example.com' });
    expect(turnUsername(bob)!.endsWith(`.${handle}`)).toBe(false);
    expect(turnUsername(await source.iceFor({ sessionId: 'sess4' }))).toMatch(/^\d+:sess4$/);
    await source.close();
  });

  it("cloudflare, per session: generate-ice-servers gets the user's handle as customIdentifier", async () => {
    fake = await startCloudflareFake();
    const provider = cloudflareProviderOn(fake);
    const source = createIceSource({ provider, scope: 'per-session' }, deps());
    const ice = await source.iceFor({ sessionId: 'sess1', user: 'alice@example.com' });
    expect(ice.turn).toBe(true);
    const handle = userHandle(HANDLE_KEY, 'alice@example.com');
    expect(fake.requests.at(-1)!.body).toEqual({ ttl: 86_400, customIdentifier: handle });
    expect(fake.issued.at(-1)!.customIdentifier).toBe(handle);
    await source.iceFor({ sessionId: 'sess2' });
    expect(fake.requests.at(-1)!.body).toEqual({ ttl: 86_400 });
    await source.close();
  });

  it('cloudflare, shared: one credential for everyone carries no identifier', async () => {
    fake = await startCloudflareFake();
    const provider = cloudflareProviderOn(fake);
    const source = createIceSource({ provider }, deps());
    await source.iceFor({ sessionId: 'sess1', user: 'alice@example.com' });
    expect(fake.requests.map((request) => request.body)).toEqual([{ ttl: 86_400 }]);
    await source.close();
  });

  it('the fake refuses a customIdentifier that is not a string, as a wrong request must fail', async () => {
    fake = await startCloudflareFake();
    const response = await fetch(
      `${fake.url}/v1/turn/keys/${fake.keyId}/credentials/generate-ice-servers`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ttl: 60, customIdentifier: 42 }),
      },
    );
    expect(response.status).toBe(400);
  });

  it('gives a user the same handle on every node (and after a restart) that shares the key, and another with another key', async () => {
    const coturn = () =>
      createCoturnProvider({ urls: ['turn:127.0.0.1:3478'], secrets: ['s3cret'] });
    const handleOf = async (userHandleKey: string) => {
      const source = createIceSource({ provider: coturn() }, { ...deps(), userHandleKey });
      const ice = await source.iceFor({ sessionId: 'sess', user: 'alice@example.com' });
      await source.close();
      return turnUsername(ice)!.split('.')[1];
    };
    const nodeA = await handleOf(HANDLE_KEY);
    expect(await handleOf(HANDLE_KEY)).toBe(nodeA);
    expect(await handleOf(`${HANDLE_KEY}-rotated`)).not.toBe(nodeA);
  });

  it('refuses a user handle key shorter than 32 bytes, without showing it', () => {
    const provider = createCoturnProvider({ urls: ['turn:127.0.0.1:3478'], secrets: ['s3cret'] });
    const short = 'too-short-a-key';
    expect(() => createIceSource({ provider }, { ...deps(), userHandleKey: short })).toThrow(
      /^the user handle key must be at least 32 bytes$/,
    );
  });
});
