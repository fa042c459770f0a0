/**
 * The shared credential cache, seen through `createIceSource` with the Cloudflare provider, on
 * fake timers: one provider call per refresh whatever the join rate, refresh ahead of expiry,
 * stale answers during an outage and STUN-only after, backoff, and joins that never hang.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IceConfig } from '@icelane/protocol';
import { memoryStore } from '../../src/credentials/store.js';
import { cloudflareSetup, counted, fakeClockPerTest, type CloudflareSetup } from './fixtures.js';

const session = { sessionId: 'session-1' };
const turnUsername = (answer: IceConfig) =>
  answer.iceServers.find((server) => server.username)?.username;
const settled = () => vi.advanceTimersByTimeAsync(0);

let setup: CloudflareSetup | undefined;

fakeClockPerTest();
afterEach(async () => {
  await setup?.ice.close();
  setup = undefined;
});

describe('shared credential cache', () => {
  it('serves 200 concurrent cold joins from exactly one provider call', async () => {
    setup = cloudflareSetup();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => setup!.ice.iceFor(session)),
    );
    expect(setup.mints()).toBe(1);
    const username = setup.api.issued[0]!.username;
    for (const answer of answers) {
      expect(answer.turn).toBe(true);
      expect(turnUsername(answer)).toBe(username);
      expect(answer.expiresAt).toBe(Date.now() + 600_000);
    }
    expect(await counted(setup.metrics.credentialCache, { result: 'miss' })).toBe(200);
    expect(
      await counted(setup.metrics.credentialMints, { provider: 'cloudflare', outcome: 'ok' }),
    ).toBe(1);

    await setup.ice.iceFor(session);
    expect(await counted(setup.metrics.credentialCache, { result: 'hit' })).toBe(1);
    expect(setup.mints()).toBe(1);
  });

  it('refreshes ahead of expiry in the background with one call, serving the old credential meanwhile', async () => {
    setup = cloudflareSetup({ refreshAheadRatio: 0.5 });
    const first = await setup.ice.iceFor(session);
    await vi.advanceTimersByTimeAsync(299_000);
    expect(turnUsername(await setup.ice.iceFor(session))).toBe(turnUsername(first));
    expect(setup.mints()).toBe(1);

    // Past half-life: due for refresh. Fifty joins in a burst all get the old credential at once.
    await vi.advanceTimersByTimeAsync(2_000);
    setup.api.mode = { kind: 'slow', delayMs: 1_000 };
    const burst = await Promise.all(Array.from({ length: 50 }, () => setup!.ice.iceFor(session)));
    for (const answer of burst) expect(turnUsername(answer)).toBe(turnUsername(first));
    expect(await counted(setup.metrics.credentialCache, { result: 'stale' })).toBe(50);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(setup.mints()).toBe(2);
    const after = await setup.ice.iceFor(session);
    expect(turnUsername(after)).toBe(setup.api.issued[1]!.username);
    // The lifetime counts from when the call was made, not when it answered.
    expect(after.expiresAt).toBe(Date.now() - 1_000 + 600_000);
  });

  it('serves the unexpired credential during an outage, then answers STUN-only and counts it', async () => {
    setup = cloudflareSetup();
    const first = await setup.ice.iceFor(session);
    const expiresAt = first.expiresAt!;
    setup.api.mode = { kind: 'status', status: 500 };
    await vi.advanceTimersByTimeAsync(301_000);

    const answers: IceConfig[] = [];
    while (Date.now() < expiresAt + 10_000) {
      answers.push(await setup.ice.iceFor(session));
      await vi.advanceTimersByTimeAsync(100);
    }
    const lastTurnAt = expiresAt - 60_000;
    const withTurn = answers.filter((answer) => answer.turn);
    expect(withTurn.length).toBeGreaterThan(2_000);
    for (const answer of withTurn) expect(turnUsername(answer)).toBe(turnUsername(first));
    const stunOnly = answers.filter((answer) => !answer.turn);
    expect(stunOnly.length).toBeGreaterThan(600);
    for (const answer of stunOnly) {
      expect(answer.expiresAt).toBeNull();
      expect(answer.iceServers).toEqual([{ urls: 'stun:stun.cloudflare.com:3478' }]);
    }
    // The switch happens when less than the minimum remaining life is left, not before.
    expect(answers.findIndex((answer) => !answer.turn)).toBe(withTurn.length);
    expect(Date.now()).toBeGreaterThan(lastTurnAt);
    expect(await counted(setup.metrics.stunOnlyAnswers)).toBe(stunOnly.length);
    expect(setup.ice.health()).toMatchObject({ provider: 'cloudflare', state: 'degraded' });
    expect(setup.ice.health().consecutiveFailures).toBeGreaterThan(0);
  });

  it('bounds provider calls with backoff during a long outage (10 minutes of joins every 100 ms)', async () => {
    setup = cloudflareSetup();
    setup.api.mode = { kind: 'status', status: 503 };
    let joins = 0;
    const end = Date.now() + 10 * 60_000;
    while (Date.now() < end) {
      const answer = await setup.ice.iceFor(session);
      expect(answer.turn).toBe(false);
      joins++;
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(joins).toBe(6_000);
    // Backoff 1 s doubling to a 60 s cap with full jitter: about 30 calls expected in 10 minutes.
    expect(setup.mints()).toBeGreaterThanOrEqual(8);
    expect(setup.mints()).toBeLessThanOrEqual(45);
    expect(await counted(setup.metrics.credentialMints, { outcome: 'error' })).toBe(setup.mints());
    // One warning per failed call, not per join.
    expect(setup.log.lines.filter((line) => line.includes('"level":"warn"'))).toHaveLength(
      setup.mints(),
    );

    setup.api.mode = { kind: 'ok', status: 201 };
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await setup.ice.iceFor(session)).turn).toBe(true);
    expect(setup.ice.health()).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
  });

  it('treats 401 as misconfiguration: logged as an error, reported in health, retried only at the cap', async () => {
    setup = cloudflareSetup({}, { apiToken: 'a-revoked-token' });
    const answer = await setup.ice.iceFor(session);
    expect(answer.turn).toBe(false);
    expect(setup.ice.health()).toMatchObject({ state: 'misconfigured', consecutiveFailures: 1 });
    expect(setup.ice.health().lastError).toMatch(/401/);
    const errors = setup.log.lines.filter((line) => line.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/refused our credentials/);

    for (let i = 0; i < 10 * 600; i++) {
      await setup.ice.iceFor(session);
      await vi.advanceTimersByTimeAsync(100);
    }
    // One call per 60 s cap: at 0, 60, ..., 540 s.
    expect(setup.mints()).toBe(10);
    expect(await counted(setup.metrics.credentialMints, { outcome: 'auth-error' })).toBe(10);
    expect(setup.log.text()).not.toContain('a-revoked-token');
  });

  it('never hands out a credential with less than the minimum remaining life', async () => {
    setup = cloudflareSetup({ ttlSeconds: 600, minRemainingMs: 400_000, refreshAheadRatio: 0.5 });
    const first = await setup.ice.iceFor(session);
    await vi.advanceTimersByTimeAsync(201_000);
    // 399 s left: below the minimum, so the join waits for a new credential.
    const second = await setup.ice.iceFor(session);
    expect(turnUsername(second)).not.toBe(turnUsername(first));
    expect(second.expiresAt! - Date.now()).toBeGreaterThanOrEqual(400_000);

    setup.api.mode = { kind: 'status', status: 500 };
    await vi.advanceTimersByTimeAsync(201_000);
    const third = await setup.ice.iceFor(session);
    expect(third.turn).toBe(false);
    expect(third.expiresAt).toBeNull();
  });

  it('answers STUN-only at the join timeout when the provider hangs, never later', async () => {
    setup = cloudflareSetup({ joinTimeoutMs: 2_000, mintTimeoutMs: 10_000 });
    setup.api.mode = { kind: 'hang' };
    let answer: IceConfig | undefined;
    void setup.ice.iceFor(session).then((value) => (answer = value));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toMatchObject({ turn: false, expiresAt: null });

    // Joins during the hung call wait for it, bounded the same way; the call gives up at its timeout.
    const during = setup.ice.iceFor(session);
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await during).turn).toBe(false);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(setup.ice.health()).toMatchObject({ state: 'degraded' });
    expect(setup.ice.health().lastError).toMatch(/no answer within 10000 ms/);
    expect(await counted(setup.metrics.credentialMints, { outcome: 'timeout' })).toBe(1);
    expect(setup.mints()).toBe(1);
  });

  it('lets one node mint while another sharing the store waits for its credential', async () => {
    const store = memoryStore();
    setup = cloudflareSetup({}, { store });
    const other = cloudflareSetup({}, { api: setup.api, store });
    try {
      setup.api.mode = { kind: 'slow', delayMs: 500 };
      const a = setup.ice.iceFor(session);
      const b = other.ice.iceFor(session);
      await vi.advanceTimersByTimeAsync(1_000);
      const [answerA, answerB] = await Promise.all([a, b]);
      expect(setup.mints()).toBe(1);
      expect(answerA.turn && answerB.turn).toBe(true);
      expect(turnUsername(answerB)).toBe(turnUsername(answerA));
    } finally {
      await other.ice.close();
    }
  });

  it('keeps the token and the credentials out of every log line', async () => {
    setup = cloudflareSetup();
    await setup.ice.iceFor(session);
    setup.api.mode = { kind: 'status', status: 500 };
    await vi.advanceTimersByTimeAsync(400_000);
    await setup.ice.iceFor(session);
    await settled();
    setup.api.mode = { kind: 'status', status: 403 };
    await vi.advanceTimersByTimeAsync(120_000);
    await setup.ice.iceFor(session);
    await settled();
    expect(setup.log.lines.length).toBeGreaterThanOrEqual(2);
    const text = setup.log.text();
    expect(text).not.toContain(setup.api.token);
    for (const { username, credential } of setup.api.issued) {
      expect(text).not.toContain(credential);
      expect(text).not.toContain(username);
    }
  });
});
