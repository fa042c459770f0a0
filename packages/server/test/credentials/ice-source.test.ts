/**
 * `createIceSource` as the signaling layer uses it: the answer's shape, per-session credentials
 * (coturn by default, Cloudflare on request, revoked on release), STUN-only configurations,
 * redaction, and configuration errors at start-up.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { turnRestPassword } from '@icelane/testing';
import { createCoturnProvider } from '../../src/credentials/coturn.js';
import { createIceSource, iceAtHand, type IceSource } from '../../src/credentials/ice-source.js';
import { createStaticProvider } from '../../src/credentials/static.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { cloudflareSetup, counted } from './fixtures.js';
import { captureLogger } from './log-capture.js';

const sources: IceSource[] = [];
const track = <T extends IceSource>(source: T): T => {
  sources.push(source);
  return source;
};
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
  vi.useRealTimers();
});

const coturnUrls = [
  'turn:turn.example.test:3478?transport=udp',
  'turn:turn.example.test:3478?transport=tcp',
  'turns:turn.example.test:443?transport=tcp',
];

function coturnSource(options: Parameters<typeof createIceSource>[0] = {}) {
  const log = captureLogger();
  const metrics = createMetrics({ processMetrics: false });
  const provider = createCoturnProvider({ urls: coturnUrls, secrets: ['coturn-shared-secret'] });
  const ice = track(createIceSource({ provider, ...options }, { logger: log.logger, metrics }));
  return { ice, log, metrics };
}

function staticSource() {
  const log = captureLogger();
  const provider = createStaticProvider({
    urls: ['turn:turn.example.test:3478'],
    username: 'alice',
    credential: 'static-password',
  });
  const metrics = createMetrics({ processMetrics: false });
  const ice = track(createIceSource({ provider }, { logger: log.logger, metrics }));
  return { ice, log };
}

describe('ICE source', () => {
  it('mints a coturn credential per session by default, bound to the session id', async () => {
    const { ice } = coturnSource({ stunUrls: ['stun:stun.example.test:3478'] });
    const before = Date.now();
    const a = await ice.iceFor({ sessionId: 'alpha' });
    const b = await ice.iceFor({ sessionId: 'beta' });
    expect(a).toEqual({
      iceServers: [
        { urls: 'stun:stun.example.test:3478' },
        {
          urls: coturnUrls,
          username: expect.stringMatching(/^\d+:alpha$/),
          credential: expect.any(String),
        },
      ],
      expiresAt: expect.any(Number),
      turn: true,
      policy: 'all',
    });
    const turn = a.iceServers[1]!;
    expect(turn.credential).toBe(turnRestPassword('coturn-shared-secret', turn.username!));
    expect(a.expiresAt!).toBeGreaterThanOrEqual(before + 86_400_000 - 1_000);
    expect(b.iceServers[1]!.username).toMatch(/:beta$/);
  });

  it('caps the answer at maxUrls, keeping one URL per transport and the TURNS URL on 443', async () => {
    const { ice } = coturnSource({
      stunUrls: ['stun:a.test', 'stun:b.test', 'stun:c.test'],
      maxUrls: 3,
    });
    const answer = await ice.iceFor({ sessionId: 's' });
    // Through a firewall that lets only TCP 443 out, TURNS on 443 is the one path left.
    expect(answer.iceServers.flatMap((server) => server.urls)).toEqual([
      'stun:a.test',
      'turn:turn.example.test:3478?transport=udp',
      'turns:turn.example.test:443?transport=tcp',
    ]);
  });

  it('hands out the probe STUN URLs beside iceServers, outside its cap', async () => {
    const { ice } = coturnSource({
      stunUrls: ['stun:turn.example.test:3478'],
      stunProbeUrls: ['stun:turn.example.test:3479'],
      maxUrls: 3,
    });
    const answer = await ice.iceFor({ sessionId: 's' });
    expect(answer.iceServers.flatMap((server) => server.urls)).toHaveLength(3);
    expect(answer.stunProbe).toEqual(['stun:turn.example.test:3479']);
    expect(() => coturnSource({ stunProbeUrls: ['turn:turn.example.test:3479'] })).toThrow(
      /not a valid stun/,
    );
  });

  it('recommends the configured relay policy', async () => {
    const { ice } = coturnSource({ policy: 'relay' });
    expect((await ice.iceFor({ sessionId: 's' })).policy).toBe('relay');
  });

  it('answers STUN-only without a provider, and says so in health', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const ice = track(createIceSource({}, { logger: captureLogger().logger, metrics }));
    expect(await ice.iceFor({ sessionId: 's' })).toEqual({
      iceServers: [{ urls: 'stun:stun.cloudflare.com:3478' }],
      expiresAt: null,
      turn: false,
      policy: 'all',
    });
    expect(ice.health()).toEqual({
      provider: null,
      state: 'none',
      consecutiveFailures: 0,
      lastSuccessAt: null,
      lastError: null,
    });
  });

  it('shares a static credential that never expires', async () => {
    const { ice, log } = staticSource();
    const answer = await ice.iceFor({ sessionId: 's' });
    expect(answer).toMatchObject({ turn: true, expiresAt: null });
    log.logger.error('oops', { leaked: 'static-password' });
    expect(log.text()).not.toContain('static-password');
  });

  it('answers a join at once from a shared credential, and asks an iceFor the app wrapped', async () => {
    const { ice } = staticSource();
    // The first answer waits for the credential; from then on it is in memory.
    const first = await ice.iceFor({ sessionId: 's' });
    const atHand = iceAtHand(ice, { sessionId: 's' });
    expect(atHand).not.toBeInstanceOf(Promise);
    expect(atHand).toEqual(first);
    expect(iceAtHand({ ...ice }, { sessionId: 's' })).toEqual(atHand);

    // An app that adds its own server wraps iceFor: a join must get what the wrapper answers.
    const extra = { urls: 'turn:app.example.test:3478', username: 'u', credential: 'c' };
    const wrapped: IceSource = {
      ...ice,
      iceFor: async (session) => {
        const answer = await ice.iceFor(session);
        return { ...answer, iceServers: [...answer.iceServers, extra] };
      },
    };
    const answer = await iceAtHand(wrapped, { sessionId: 's' });
    expect(answer.iceServers).toContainEqual(extra);
  });

  it('mints per session from Cloudflare on request and revokes on release', async () => {
    const setup = cloudflareSetup({ scope: 'per-session' });
    track(setup.ice);
    const a = await setup.ice.iceFor({ sessionId: 'a' });
    const b = await setup.ice.iceFor({ sessionId: 'b' });
    expect(setup.mints()).toBe(2);
    expect(a.iceServers[1]!.username).not.toBe(b.iceServers[1]!.username);
    setup.ice.release({ sessionId: 'a' });
    await vi.waitFor(() => expect(setup.api.revoked).toEqual([setup.api.issued[0]!.username]));
    setup.ice.release({ sessionId: 'a' });
    setup.ice.release({ sessionId: 'unknown' });
    // b's revocation, asked after them, is the barrier: a second one of a's would come first.
    setup.ice.release({ sessionId: 'b' });
    await vi.waitFor(() => expect(setup.api.revoked).toHaveLength(2));
    expect(setup.api.revoked).toEqual([a.iceServers[1]!.username, b.iceServers[1]!.username]);
  });

  it('answers STUN-only, and warns once, when a shared credential holds no usable TURN URL', async () => {
    const setup = cloudflareSetup();
    track(setup.ice);
    setup.api.mode = {
      kind: 'body',
      body: '{"iceServers":[{"urls":["turn:turn.cloudflare.com:53?transport=udp"],"username":"u-53","credential":"c-53"}]}',
    };
    for (let i = 0; i < 3; i++) {
      expect(await setup.ice.iceFor({ sessionId: 'a' })).toMatchObject({
        turn: false,
        expiresAt: null,
      });
    }
    expect(setup.mints()).toBe(1);
    expect(await counted(setup.metrics.stunOnlyAnswers)).toBe(3);
    const warnings = setup.log.lines.filter((line) => line.includes('no usable TURN URL'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('port-53');
    expect(setup.log.text()).not.toContain('c-53');
  });

  it('bounds a per-session mint by the join timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const setup = cloudflareSetup({ scope: 'per-session', joinTimeoutMs: 1_500 });
    track(setup.ice);
    setup.api.mode = { kind: 'hang' };
    let done = false;
    const answer = setup.ice.iceFor({ sessionId: 'a' }).finally(() => (done = true));
    await vi.advanceTimersByTimeAsync(1_499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await answer).toMatchObject({ turn: false });
    expect(await counted(setup.metrics.stunOnlyAnswers)).toBe(1);
  });

  it('registers the provider token and minted shared credentials for redaction', async () => {
    const setup = cloudflareSetup();
    track(setup.ice);
    await setup.ice.iceFor({ sessionId: 'a' });
    const { credential } = setup.api.issued[0]!;
    setup.log.logger.warn('something went wrong', {
      detail: `token ${setup.api.token} cred ${credential}`,
    });
    expect(setup.log.text()).toContain('[redacted]');
    expect(setup.log.text()).not.toContain(setup.api.token);
    expect(setup.log.text()).not.toContain(credential);
  });

  it('registers every coturn secret for redaction', () => {
    const { log } = coturnSource();
    log.logger.error('boom', { value: 'x coturn-shared-secret y' });
    expect(log.text()).not.toContain('coturn-shared-secret');
  });

  it('refuses configurations that cannot work, at start-up, with a clear message', () => {
    const deps = {
      logger: captureLogger().logger,
      metrics: createMetrics({ processMetrics: false }),
    };
    const provider = createCoturnProvider({ urls: coturnUrls, secrets: ['s3cret'] });
    expect(() => createIceSource({ stunUrls: ['turn:x.test'] }, deps)).toThrow(
      /"turn:x.test" is not a valid stun: or stuns: URL/,
    );
    expect(() => createIceSource({ stunUrls: ['stun:'] }, deps)).toThrow(/not a valid stun/);
    expect(() => createIceSource({ maxUrls: 0 }, deps)).toThrow(/maxUrls/);
    expect(() => createIceSource({ policy: 'relay' }, deps)).toThrow(/needs a TURN provider/);
    expect(() =>
      createIceSource({ provider, ttlSeconds: 60, minRemainingMs: 60_000 }, deps),
    ).toThrow(/shorter than the TTL/);
    expect(() => createIceSource({ provider, ttlSeconds: 0 }, deps)).toThrow(/ttlSeconds/);
    expect(() => createIceSource({ provider, joinTimeoutMs: 0 }, deps)).toThrow(/joinTimeoutMs/);
    expect(() => createIceSource({ provider, refreshAheadRatio: 1 }, deps)).toThrow(
      /refreshAheadRatio/,
    );
  });
});
