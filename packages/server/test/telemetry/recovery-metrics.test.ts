import { afterEach, describe, expect, it } from 'vitest';
import type { RecoveryReport } from '@icelane/protocol';
import { connect, disconnectAll, joined, request } from '../support/clients.js';
import { rawGet } from '../support/http.js';
import { closeAll, startTestServer } from '../support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const healed: RecoveryReport = {
  peerId: 'bobsPeerId00001',
  cause: 'path-lost',
  step: 'ice-restart',
  outcome: 'recovered',
  gapMs: 1_200,
};

/** The lines of a /metrics scrape that name `metric`. */
async function scrape(port: number, metric: string): Promise<string[]> {
  const response = await rawGet(port, '/metrics');
  expect(response.status).toBe(200);
  return response.body.split('\n').filter((line) => line.startsWith(metric));
}

describe('connection:recovery', () => {
  it('counts healed calls by cause, step and outcome and their gaps as a histogram on /metrics', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'standup-room-secret', { name: 'Alice Example' });
    const ok = { data: { recorded: true } };
    expect(await request(alice.socket, 'connection:recovery', healed)).toEqual(ok);
    expect(await request(alice.socket, 'connection:recovery', { ...healed, gapMs: 700 })).toEqual(
      ok,
    );
    const relayRestart = { ...healed, cause: 'network-change', step: 'ice-restart-relay' };
    expect(await request(alice.socket, 'connection:recovery', relayRestart)).toEqual(ok);
    const gaveUp = { ...healed, step: 'new-connection', outcome: 'failed', gapMs: 20_000 };
    expect(await request(alice.socket, 'connection:recovery', gaveUp)).toEqual(ok);
    const moved = { ...healed, cause: 'credentials-expiring', gapMs: 0 };
    expect(await request(alice.socket, 'connection:recovery', moved)).toEqual(ok);

    const counted = await scrape(server.port, 'icelane_recoveries_total');
    expect(counted).toEqual(
      expect.arrayContaining([
        'icelane_recoveries_total{cause="path-lost",step="ice-restart",outcome="recovered"} 2',
        'icelane_recoveries_total{cause="network-change",step="ice-restart-relay",outcome="recovered"} 1',
        'icelane_recoveries_total{cause="path-lost",step="new-connection",outcome="failed"} 1',
        'icelane_recoveries_total{cause="credentials-expiring",step="ice-restart",outcome="recovered"} 1',
      ]),
    );
    const gaps = await scrape(server.port, 'icelane_recovery_gap_seconds');
    // Two gaps healed by a restart (0.7 s and 1.2 s), one by a relay-only restart (1.2 s); the
    // failed incident and the credentials move are not gaps.
    expect(gaps).toEqual(
      expect.arrayContaining([
        'icelane_recovery_gap_seconds_bucket{le="1",step="ice-restart"} 1',
        'icelane_recovery_gap_seconds_bucket{le="1.5",step="ice-restart"} 2',
        'icelane_recovery_gap_seconds_count{step="ice-restart"} 2',
        'icelane_recovery_gap_seconds_sum{step="ice-restart"} 1.9',
        'icelane_recovery_gap_seconds_count{step="ice-restart-relay"} 1',
      ]),
    );
    // The failed new connection observed no gap: its series stays at the zero it started with.
    expect(gaps).toContain('icelane_recovery_gap_seconds_count{step="new-connection"} 0');
    // Labels never name a peer, a person or a room.
    const text = (await rawGet(server.port, '/metrics')).body;
    for (const secret of [alice.answer.peerId, healed.peerId, 'standup-room-secret', 'Alice']) {
      expect(text).not.toContain(secret);
    }
  });

  it('refuses a report from a socket in no room, a malformed one and one past its caps, and counts none', async () => {
    const server = await startTestServer();
    const stranger = await connect(server.url);
    expect(await request(stranger, 'connection:recovery', healed)).toMatchObject({
      error: { code: 'not-in-room' },
    });
    const alice = await joined(server.url, 'standup');
    for (const bad of [
      { ...healed, cause: 'solar-flare' },
      { ...healed, step: 'reboot' },
      { ...healed, outcome: 'maybe' },
      { ...healed, gapMs: -1 },
      { ...healed, gapMs: 10 * 60_000 + 1 },
      { ...healed, peerId: 'x'.repeat(33) },
      'path-lost',
    ]) {
      expect(await request(alice.socket, 'connection:recovery', bad)).toMatchObject({
        error: { code: 'invalid-payload' },
      });
    }
    expect(await server.counter('icelane_recoveries_total')).toBe(0);
    expect(
      await server.counter('icelane_invalid_payloads_total', { event: 'connection:recovery' }),
    ).toBe(7);
  });

  it('shares the rate limit of connection:report: a flood is refused once the budget is spent', async () => {
    const server = await startTestServer({
      options: { rateLimits: { report: { burst: 3, perSecond: 0.001 } } },
    });
    const alice = await joined(server.url, 'standup');
    const answers = [];
    for (let i = 0; i < 5; i += 1) {
      answers.push(await request(alice.socket, 'connection:recovery', healed));
    }
    expect(answers.filter((answer) => 'data' in answer)).toHaveLength(3);
    expect(answers.at(-1)).toMatchObject({ error: { code: 'rate-limited' } });
    expect(await server.counter('icelane_recoveries_total')).toBe(3);
  });
});
