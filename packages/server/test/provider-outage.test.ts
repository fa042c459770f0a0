/**
 * A Cloudflare outage seen from the clients of a real server: the provider (the local fake of
 * its API) answers 500, then hangs, then recovers, with lifetimes scaled down to seconds. Joins
 * are answered in time all along — the unexpired credential first, then STUN-only — provider
 * calls stay bounded by the backoff, and TURN comes back by itself. The cache's own rules are
 * unit-tested on fake timers in credentials/shared-cache.test.ts; this is the whole path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import { startCloudflareFake, type CloudflareFake } from '@icelane/testing';
import { connect, disconnectAll, request } from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';
import { cloudflareProviderOn } from './support/cloudflare-provider.js';

let cloudflare: CloudflareFake | null = null;
afterEach(async () => {
  disconnectAll();
  await closeAll();
  await cloudflare?.close();
  cloudflare = null;
});

/** Seconds instead of hours: a 4 s credential, never handed out with less than 1 s left. */
const ICE = {
  ttlSeconds: 4,
  minRemainingMs: 1_000,
  refreshAheadRatio: 0.5,
  joinTimeoutMs: 600,
  mintTimeoutMs: 500,
  backoff: { baseMs: 250, maxMs: 1_000, factor: 2 },
};
/**
 * A liveness bound only: a join that waited on the hanging provider would wait for ever, while a
 * busy 2-core machine may well add seconds to a join that does not.
 */
const SLACK_MS = 5_000;
const unlimited = { burst: 100_000, perSecond: 100_000 };

interface Seen {
  /** When the join was sent and when its answer arrived: the server chose in between. */
  sent: number;
  at: number;
  latencyMs: number;
  turn: boolean;
  username: string | undefined;
  expiresAt: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TURN provider outage, end to end', () => {
  it('keeps answering joins in time through 500s and a hang, bounds provider calls, and recovers TURN by itself', async () => {
    cloudflare = await startCloudflareFake();
    const api = cloudflare;
    const server = await startTestServer({
      ice: {
        provider: cloudflareProviderOn(api, { timeoutMs: 400 }),
        ...ICE,
      },
      options: { rateLimits: { join: unlimited, joinPerIp: unlimited } },
    });
    const mints = () => api.mintRequests().length;
    const outcomes = (outcome: string) =>
      server.counter('icelane_credential_mints_total', { provider: 'cloudflare', outcome });
    const providerState = async () =>
      ((await (await fetch(`${server.url}/readyz`)).json()) as { provider: { state: string } })
        .provider.state;

    // Three clients join and leave in a loop, as users arriving all through the outage.
    const seen: Seen[] = [];
    const errors: unknown[] = [];
    let stopped = false;
    const joiner = async (index: number) => {
      const socket = await connect(server.url);
      while (!stopped) {
        const started = Date.now();
        const answer = await request<JoinAnswer>(socket, 'room:join', { room: `outage-${index}` });
        if (!('data' in answer)) {
          errors.push(answer);
        } else {
          const { ice } = answer.data;
          seen.push({
            sent: started,
            at: Date.now(),
            latencyMs: Date.now() - started,
            turn: ice.turn,
            username: ice.iceServers.find((s) => s.username)?.username,
            expiresAt: ice.expiresAt,
          });
          await request(socket, 'room:leave');
        }
        await sleep(50);
      }
    };
    const waitFor = async (done: () => boolean | Promise<boolean>, boundMs: number) => {
      const deadline = Date.now() + boundMs;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`not within ${boundMs} ms`);
        await sleep(20);
      }
    };

    // Healthy: the first join mints the credential everyone shares.
    // A joiner that throws is an error of the run; once the test has failed, the sockets closed
    // under its pending join are not an unhandled rejection.
    const joiners = [0, 1, 2].map((i) => joiner(i).catch((error: unknown) => errors.push(error)));
    await waitFor(() => seen.some((s) => s.turn), 5_000);
    const first = seen.find((s) => s.turn)!;
    // One credential, shared: a first call that outlived the 400 ms timeout on a busy machine is
    // retried, but only one mint succeeds and every join so far carries it.
    expect(await outcomes('ok')).toBe(1);
    expect(new Set(seen.filter((s) => s.turn).map((s) => s.username))).toEqual(
      new Set([first.username]),
    );

    // 500s from the moment it was minted, until a while after it expired.
    api.mode = { kind: 'status', status: 500 };
    const outageStart = Date.now();
    const callsBefore = mints();
    const lastUsable = first.expiresAt! - ICE.minRemainingMs;
    await waitFor(() => Date.now() > first.expiresAt! + 500, 10_000);
    expect(await providerState()).toBe('degraded');

    // Then the API hangs: each call costs a timeout, joins do not wait for it.
    api.mode = { kind: 'hang' };
    await sleep(2_000);

    // Recovery: the next call allowed by the backoff mints again.
    api.mode = { kind: 'ok', status: 201 };
    const outageEnd = Date.now();
    const outageCalls = mints() - callsBefore;
    const outageJoins = seen.filter((s) => s.at > outageStart && s.at <= outageEnd).length;
    await waitFor(() => seen.some((s) => s.at > outageEnd && s.turn), ICE.backoff.maxMs + 5_000);
    await waitFor(async () => (await providerState()) === 'ok', 5_000);
    stopped = true;
    await Promise.all(joiners);

    // Every join was answered, none later than the join timeout allows.
    expect(errors).toEqual([]);
    const slowest = Math.max(...seen.map((s) => s.latencyMs));
    console.log(
      `outage: ${outageJoins} joins and ${outageCalls} provider calls in ${outageEnd - outageStart} ms; slowest join ${slowest} ms`,
    );
    expect(slowest).toBeLessThan(ICE.joinTimeoutMs + SLACK_MS);

    // While the credential had enough life left, joins got it; after, STUN-only and no credential.
    // Judged by event order, not a window: the server answered between `sent` and `at`, on the
    // same clock, so a join answered before `lastUsable` had the credential to give and a join
    // sent after it had none.
    const during = seen.filter((s) => s.at > outageStart && s.at <= outageEnd);
    for (const s of during.filter((s) => s.at < lastUsable)) {
      expect(s).toMatchObject({ turn: true, username: first.username });
    }
    const afterExpiry = during.filter((s) => s.sent > lastUsable);
    expect(afterExpiry.length).toBeGreaterThan(0);
    for (const s of afterExpiry) expect(s).toMatchObject({ turn: false, username: undefined });
    for (const s of during.filter((s) => s.turn)) expect(s.username).toBe(first.username);

    // Backoff: never more calls than one per base delay, and far fewer than joins.
    expect(outageCalls).toBeGreaterThan(1);
    expect(outageCalls).toBeLessThanOrEqual(
      Math.floor((outageEnd - outageStart) / ICE.backoff.baseMs) + 2,
    );
    expect(outageJoins).toBeGreaterThan(outageCalls);

    // TURN is back with a fresh credential.
    const recovered = seen.find((s) => s.at > outageEnd && s.turn)!;
    expect(recovered.username).not.toBe(first.username);
    expect(recovered.expiresAt! - recovered.at).toBeGreaterThan(ICE.minRemainingMs);
    expect(await server.counter('icelane_stun_only_answers_total')).toBeGreaterThanOrEqual(
      afterExpiry.length,
    );
    expect(await outcomes('error')).toBeGreaterThan(0);
    expect(await outcomes('timeout')).toBeGreaterThan(0);
    expect(await outcomes('ok')).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
