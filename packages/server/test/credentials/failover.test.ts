/**
 * Provider failover through `createIceSource`, on fake timers: Cloudflare (the in-process fake of
 * its API) first, coturn (minted here, as for real) next. Joins move to coturn when Cloudflare
 * fails or refuses, a probe after the cool-down brings them back, metrics follow, and per-session
 * credentials are revoked by the provider that minted them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IceConfig } from '@icelane/protocol';
import {
  createCoturnProvider,
  createIceSource,
  createStaticProvider,
  type IceSource,
  type IceSourceOptions,
} from '../../src/credentials/index.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createCloudflareApi, type CloudflareApi } from '@icelane/testing';
import { metricSum } from '../support/metric-counter.js';
import { counted, fakeClockPerTest, seededRandom } from './fixtures.js';
import { captureLogger, type CapturedLogger } from './log-capture.js';
import { cloudflareProviderOn } from '../support/cloudflare-provider.js';

const COTURN_URL = 'turn:198.51.100.7:3478?transport=udp';
const COOLDOWN_MS = 10_000;
const JOIN_TIMEOUT_MS = 2_000;

interface Setup {
  api: CloudflareApi;
  ice: IceSource;
  metrics: Metrics;
  log: CapturedLogger;
  mints(): number;
}

let setup: Setup | undefined;

function failoverSetup(options: Partial<IceSourceOptions> = {}): Setup {
  const api = createCloudflareApi();
  const log = captureLogger();
  const metrics = createMetrics({ processMetrics: false });
  const ice = createIceSource(
    {
      provider: cloudflareProviderOn(api),
      fallbacks: [createCoturnProvider({ urls: [COTURN_URL], secrets: ['coturn-secret'] })],
      breaker: { failureThreshold: 2, cooldownMs: COOLDOWN_MS },
      ttlSeconds: 600,
      minRemainingMs: 60_000,
      joinTimeoutMs: JOIN_TIMEOUT_MS,
      backoff: { baseMs: 1_000, maxMs: 5_000, factor: 2 },
      ...options,
    },
    { logger: log.logger, metrics, random: seededRandom(3) },
  );
  const mints = () => api.requests.filter((request) => !request.path.endsWith('/revoke')).length;
  setup = { api, ice, metrics, log, mints };
  return setup;
}

/** Which provider's TURN server the answer carries. */
const servedBy = (answer: IceConfig): string => {
  const turn = answer.iceServers.find((server) => server.username);
  if (!turn) return 'none';
  return [turn.urls].flat().includes(COTURN_URL) ? 'coturn' : 'cloudflare';
};
const username = (answer: IceConfig) =>
  answer.iceServers.find((server) => server.username)?.username;

fakeClockPerTest();
afterEach(async () => {
  await setup?.ice.close();
  setup = undefined;
});

describe('TURN provider failover', () => {
  it('serves the first provider while it works, and says so in metrics', async () => {
    const { ice, metrics } = failoverSetup();
    const answer = await ice.iceFor({ sessionId: 's1' });
    expect(answer.turn).toBe(true);
    expect(servedBy(answer)).toBe('cloudflare');
    expect(await counted(metrics.turnAnswers, { provider: 'cloudflare' })).toBe(1);
    expect(
      await metricSum(metrics, 'icelane_turn_provider_serving', { provider: 'cloudflare' }),
    ).toBe(1);
    expect(await metricSum(metrics, 'icelane_turn_provider_serving', { provider: 'coturn' })).toBe(
      0,
    );
    expect(await metricSum(metrics, 'icelane_turn_breaker_state', { provider: 'cloudflare' })).toBe(
      0,
    );
    expect(ice.health()).toMatchObject({
      provider: 'cloudflare',
      state: 'ok',
      providers: [
        { provider: 'cloudflare', state: 'ok', breaker: 'closed' },
        { provider: 'coturn', state: 'ok', breaker: 'closed' },
      ],
    });
  });

  it('answers a join from the next provider when the first answers 500, and skips it once its breaker opens', async () => {
    const { api, ice, metrics, mints } = failoverSetup();
    api.mode = { kind: 'status', status: 500 };
    const first = await ice.iceFor({ sessionId: 's1' });
    // The same join: Cloudflare failed, coturn answered.
    expect(first.turn).toBe(true);
    expect(servedBy(first)).toBe('coturn');
    expect(username(first)).toMatch(/^\d+:s1$/);
    expect(mints()).toBe(1);
    // Backing off, Cloudflare has nothing: the second failure in a row opens its breaker.
    expect(servedBy(await ice.iceFor({ sessionId: 's2' }))).toBe('coturn');
    expect(await metricSum(metrics, 'icelane_turn_breaker_state', { provider: 'cloudflare' })).toBe(
      2,
    );
    expect(await counted(metrics.turnFailovers, { from: 'cloudflare', to: 'coturn' })).toBe(1);
    expect(await metricSum(metrics, 'icelane_turn_provider_serving', { provider: 'coturn' })).toBe(
      1,
    );
    expect(ice.health()).toMatchObject({
      provider: 'coturn',
      providers: [{ provider: 'cloudflare', state: 'degraded', breaker: 'open' }, {}],
    });

    // Open: joins go straight to coturn, even once Cloudflare's backoff would allow a call.
    await vi.advanceTimersByTimeAsync(6_000);
    for (let i = 0; i < 20; i++) {
      expect(servedBy(await ice.iceFor({ sessionId: `open-${i}` }))).toBe('coturn');
    }
    expect(mints()).toBe(1);
    expect(await counted(metrics.turnAnswers, { provider: 'coturn' })).toBe(22);
    expect(await counted(metrics.stunOnlyAnswers)).toBe(0);
  });

  it('probes after the cool-down in the background and brings new joins back when the first provider recovers', async () => {
    const { api, ice, metrics, mints, log } = failoverSetup();
    api.mode = { kind: 'status', status: 500 };
    await ice.iceFor({ sessionId: 's1' });
    await ice.iceFor({ sessionId: 's2' });
    expect(ice.health().provider).toBe('coturn');

    // Cool-down over, still failing: the join that starts the probe is served by coturn at once,
    // and the failed probe opens the breaker for another cool-down.
    await vi.advanceTimersByTimeAsync(COOLDOWN_MS);
    expect(servedBy(await ice.iceFor({ sessionId: 's3' }))).toBe('coturn');
    await vi.advanceTimersByTimeAsync(0);
    expect(mints()).toBe(2);
    expect(ice.health().providers![0]!.breaker).toBe('open');
    expect(servedBy(await ice.iceFor({ sessionId: 's4' }))).toBe('coturn');
    expect(mints()).toBe(2);

    // Recovered: the next probe mints the shared credential, and joins return to Cloudflare.
    api.mode = { kind: 'ok', status: 201 };
    await vi.advanceTimersByTimeAsync(COOLDOWN_MS);
    expect(servedBy(await ice.iceFor({ sessionId: 's5' }))).toBe('coturn');
    await vi.advanceTimersByTimeAsync(0);
    expect(ice.health()).toMatchObject({ provider: 'cloudflare', state: 'ok' });
    const back = await ice.iceFor({ sessionId: 's6' });
    expect(servedBy(back)).toBe('cloudflare');
    // The credential the probe minted is the one handed out: no second call.
    expect(username(back)).toBe(api.issued[0]!.username);
    expect(mints()).toBe(3);
    expect(await counted(metrics.turnFailovers, { from: 'coturn', to: 'cloudflare' })).toBe(1);
    expect(
      await metricSum(metrics, 'icelane_turn_provider_serving', { provider: 'cloudflare' }),
    ).toBe(1);
    expect(await metricSum(metrics, 'icelane_turn_breaker_state', { provider: 'cloudflare' })).toBe(
      0,
    );
    expect(log.lines.filter((line) => line.includes('turn provider failover'))).toHaveLength(1);
    expect(
      log.lines.filter((line) => line.includes('turn provider recovered: new joins')),
    ).toHaveLength(1);
  });

  it('waits at most the join timeout on a hanging provider before the next one answers', async () => {
    const { api, ice } = failoverSetup();
    api.mode = { kind: 'hang' };
    const started = Date.now();
    const pending = ice.iceFor({ sessionId: 's1' });
    await vi.advanceTimersByTimeAsync(JOIN_TIMEOUT_MS);
    const answer = await pending;
    expect(Date.now() - started).toBe(JOIN_TIMEOUT_MS);
    expect(servedBy(answer)).toBe('coturn');
  });

  it('passes over a provider that refuses our credentials (401) even while its cached credential is unexpired', async () => {
    const { api, ice, metrics } = failoverSetup({
      breaker: { failureThreshold: 1, cooldownMs: COOLDOWN_MS },
    });
    const first = await ice.iceFor({ sessionId: 's1' });
    expect(servedBy(first)).toBe('cloudflare');
    // Past half-life: the refresh is refused.
    api.mode = { kind: 'status', status: 401 };
    await vi.advanceTimersByTimeAsync(301_000);
    const during = await ice.iceFor({ sessionId: 's2' });
    await vi.advanceTimersByTimeAsync(0);
    const after = await ice.iceFor({ sessionId: 's3' });
    expect(servedBy(after)).toBe('coturn');
    expect(ice.health().providers![0]).toMatchObject({ state: 'misconfigured', breaker: 'open' });
    // Served before the refresh was refused; after, the cached credential is out of service.
    expect(servedBy(during)).toBe('cloudflare');
    expect(
      await counted(metrics.credentialMints, { provider: 'cloudflare', outcome: 'auth-error' }),
    ).toBe(1);
  });

  it('keeps serving the unexpired shared credential through a 5xx outage rather than failing over', async () => {
    const { api, ice, mints } = failoverSetup({
      breaker: { failureThreshold: 1, cooldownMs: COOLDOWN_MS },
    });
    const first = await ice.iceFor({ sessionId: 's1' });
    api.mode = { kind: 'status', status: 503 };
    await vi.advanceTimersByTimeAsync(301_000);
    for (let i = 0; i < 5; i++) {
      const answer = await ice.iceFor({ sessionId: `s${i}` });
      expect(username(answer)).toBe(username(first));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(mints()).toBeGreaterThan(1);
    expect(ice.health()).toMatchObject({ provider: 'cloudflare', state: 'degraded' });
    // Once the credential has too little life left, joins move to coturn.
    await vi.advanceTimersByTimeAsync(600_000);
    expect(servedBy(await ice.iceFor({ sessionId: 'late' }))).toBe('coturn');
  });

  it('revokes per-session credentials with the provider that minted them, whichever serves by then', async () => {
    const { api, ice } = failoverSetup({ scope: 'per-session' });
    const onCloudflare = await ice.iceFor({ sessionId: 'alice' });
    expect(servedBy(onCloudflare)).toBe('cloudflare');
    api.mode = { kind: 'status', status: 500 };
    const onCoturn = await ice.iceFor({ sessionId: 'bob' });
    expect(servedBy(onCoturn)).toBe('coturn');
    expect(ice.providerFor!({ sessionId: 'alice' })).toBe('cloudflare');
    expect(ice.providerFor!({ sessionId: 'bob' })).toBe('coturn');

    ice.release({ sessionId: 'bob' });
    ice.release({ sessionId: 'alice' });
    await vi.advanceTimersByTimeAsync(0);
    expect(api.revoked).toEqual([username(onCloudflare)]);
    expect(ice.providerFor!({ sessionId: 'alice' })).toBeNull();
  });

  it("revokes the per-session credential its probe minted: nobody's session holds it", async () => {
    const { api, ice } = failoverSetup({
      scope: 'per-session',
      breaker: { failureThreshold: 1, cooldownMs: COOLDOWN_MS },
    });
    api.mode = { kind: 'status', status: 500 };
    await ice.iceFor({ sessionId: 's1' });
    api.mode = { kind: 'ok', status: 201 };
    await vi.advanceTimersByTimeAsync(COOLDOWN_MS);
    await ice.iceFor({ sessionId: 's2' });
    await vi.advanceTimersByTimeAsync(0);
    expect(api.issued).toHaveLength(1);
    expect(api.revoked).toEqual([api.issued[0]!.username]);
    expect(servedBy(await ice.iceFor({ sessionId: 's3' }))).toBe('cloudflare');
  });

  it('answers STUN-only only when every provider has nothing, counting each such join once', async () => {
    const api = createCloudflareApi();
    api.mode = { kind: 'status', status: 500 };
    const metrics = createMetrics({ processMetrics: false });
    const ice = createIceSource(
      {
        stunUrls: ['stun:198.51.100.9:3478'],
        provider: cloudflareProviderOn(api),
        // A fallback whose answer opens no relay: as good as a failing one.
        fallbacks: [createStaticProvider({ urls: ['stun:198.51.100.7:3478'] })],
        breaker: { failureThreshold: 1, cooldownMs: COOLDOWN_MS },
      },
      { logger: captureLogger().logger, metrics },
    );
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await ice.iceFor({ sessionId: `s${i}` });
        expect(answer).toMatchObject({ turn: false, expiresAt: null });
        expect(answer.iceServers).toEqual([{ urls: 'stun:198.51.100.9:3478' }]);
      }
      expect(await counted(metrics.stunOnlyAnswers)).toBe(3);
      expect(await counted(metrics.turnAnswers)).toBe(0);
      // The last provider is always asked: there is nothing after it to fail over to.
      expect(ice.health()).toMatchObject({ provider: 'static' });
    } finally {
      await ice.close();
    }
  });

  it('refuses two providers of one kind, and fallbacks without a provider', () => {
    const coturn = () => createCoturnProvider({ urls: [COTURN_URL], secrets: ['s'] });
    const deps = {
      logger: captureLogger().logger,
      metrics: createMetrics({ processMetrics: false }),
    };
    expect(() => createIceSource({ provider: coturn(), fallbacks: [coturn()] }, deps)).toThrow(
      /of another kind \(coturn, coturn\)/,
    );
    expect(() => createIceSource({ provider: null, fallbacks: [coturn()] }, deps)).toThrow(
      /fallbacks need a provider/,
    );
  });
});
