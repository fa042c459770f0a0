/**
 * Issue 14, defect 6: with per-session credentials from a revocable provider (Cloudflare), every
 * `GET /ice` credential stayed in memory for ever (+1,242 bytes a request) and none was revoked.
 * Now a session's credentials are remembered until the session ends (then revoked) or they
 * expire, for a bounded number of sessions; joins still revoke theirs at leave and disconnect.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIceSource, type IceSource } from '../../src/credentials/ice-source.js';
import { iceSourceDefaults } from '../../src/credentials/ice-source-options.js';
import type { TurnProvider } from '../../src/credentials/provider.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { randomId } from '../../src/clients/ids.js';
import { startCloudflareFake, type CloudflareFake } from '@icelane/testing';
import { connect, disconnectAll, joined, request } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';
import { bytesKeptPerCall } from '../support/heap.js';
import { cloudflareProviderOn } from '../support/cloudflare-provider.js';

const TTL_SECONDS = 60;
const sources: IceSource[] = [];
let api: CloudflareFake | null = null;

afterEach(async () => {
  disconnectAll();
  await closeAll();
  await Promise.all(sources.splice(0).map((source) => source.close()));
  await api?.close();
  api = null;
});

/** A revocable provider that costs nothing to call, on a clock the test moves. */
function revocableSource(clock: { now: number }, maxRevocableSessions?: number) {
  const revoked: string[] = [];
  let serial = 0;
  const provider: TurnProvider = {
    name: 'cloudflare',
    defaultScope: 'shared',
    secrets: [],
    mint: ({ ttlSeconds }) => {
      const username = `user-${serial++}`;
      return Promise.resolve({
        iceServers: [{ urls: ['turn:127.0.0.1:3478'], username, credential: 'c' }],
        issuedAt: clock.now,
        expiresAt: clock.now + ttlSeconds * 1000,
        revokeId: username,
      });
    },
    revoke: (credential) => {
      revoked.push(credential.revokeId!);
      return Promise.resolve();
    },
  };
  const source = createIceSource(
    {
      stunUrls: [],
      provider,
      scope: 'per-session',
      ttlSeconds: TTL_SECONDS,
      minRemainingMs: 0,
      ...(maxRevocableSessions !== undefined && { maxRevocableSessions }),
    },
    {
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      now: () => clock.now,
    },
  );
  sources.push(source);
  return { source, revoked };
}

describe('issue 14: per-session credentials live no longer than their session', () => {
  it('forgets a GET /ice credential (a session never released) once it has expired', async () => {
    const clock = { now: Date.now() };
    const { source, revoked } = revocableSource(clock);
    // One request a second: at most a minute of credentials is unexpired at any time.
    const kept = await bytesKeptPerCall(5_000, async () => {
      clock.now += 1_000;
      await source.iceFor({ sessionId: randomId() });
    });
    expect(kept).toBeLessThan(50);
    expect(revoked).toEqual([]);
  }, 60_000);

  it('remembers a bounded number of sessions, however many never end', async () => {
    const clock = { now: Date.now() };
    const { source } = revocableSource(clock, 100);
    const kept = await bytesKeptPerCall(5_000, () => source.iceFor({ sessionId: randomId() }));
    expect(kept).toBeLessThan(50);
  }, 60_000);

  it('revokes the credentials of a session when it ends, except those already expired', async () => {
    const clock = { now: Date.now() };
    const { source, revoked } = revocableSource(clock);
    await source.iceFor({ sessionId: 'a' });
    await source.iceFor({ sessionId: 'b' });
    clock.now += 30_000;
    await source.iceFor({ sessionId: 'b' });
    clock.now += 40_000;
    source.release({ sessionId: 'a' });
    source.release({ sessionId: 'b' });
    // a's only credential and b's first expired: nothing to revoke there.
    expect(revoked).toEqual(['user-2']);
  });

  it('revokes a join credential from Cloudflare at room:leave and at disconnect', async () => {
    api = await startCloudflareFake();
    const server = await startTestServer({
      ice: {
        provider: cloudflareProviderOn(api),
        scope: 'per-session',
        ttlSeconds: TTL_SECONDS,
        minRemainingMs: 0,
        // Each join waits its provider call out, to its own timeout: a join answered STUN-only
        // (the API slower than the 3 s join wait on a loaded machine) has nothing to revoke.
        joinTimeoutMs: iceSourceDefaults.mintTimeoutMs,
      },
    });
    const alice = await joined(server.url, 'revoke');
    const bob = await joined(server.url, 'revoke');
    const [aliceUser, bobUser] = [alice, bob].map(
      ({ answer }) => answer.ice.iceServers.find((s) => s.username)!.username!,
    );
    expect(await request(alice.socket, 'room:leave')).toEqual({ data: { left: true } });
    await vi.waitFor(() => expect(api!.revoked).toEqual([aliceUser]), { timeout: 5_000 });
    bob.socket.disconnect();
    await vi.waitFor(() => expect(api!.revoked).toEqual([aliceUser, bobUser]), {
      timeout: 5_000,
    });
    // A GET /ice answer is never revoked by a socket going away.
    const viaHttp = await fetch(`${server.url}/ice`);
    expect(viaHttp.status).toBe(200);
    (await connect(server.url)).disconnect();
    // A join's credential revoked after that disconnect is the barrier: a revocation the bare
    // connection caused would come before it.
    const carol = await joined(server.url, 'revoke');
    const carolUser = carol.answer.ice.iceServers.find((s) => s.username)!.username!;
    carol.socket.disconnect();
    await vi.waitFor(() => expect(api!.revoked).toHaveLength(3), { timeout: 5_000 });
    expect(api.revoked).toEqual([aliceUser, bobUser, carolUser]);
  });
});
