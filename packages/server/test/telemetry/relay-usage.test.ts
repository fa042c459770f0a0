import { afterEach, describe, expect, it } from 'vitest';
import type { UsageReport } from '@icelane/protocol';
import { createJwtAuthorize } from '../../src/auth/index.js';
import { USAGE_BOUNDS } from '../../src/signaling/usage.js';
import { captureLogger } from '../credentials/log-capture.js';
import { connect, disconnectAll, joined, request } from '../support/clients.js';
import { hs256, inSeconds } from '../support/jwt-signer.js';
import { rawGet } from '../support/http.js';
import { connectionReport, usageReport } from '../support/reports.js';
import { closeAll, startTestServer } from '../support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const BOB = 'bobsPeerId00001';
const relayedReport = connectionReport(BOB);
const usage = (fields: Partial<UsageReport>) => usageReport(BOB, fields);

/** The usage log lines, parsed. */
function usageLines(lines: string[]): Record<string, unknown>[] {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'connection usage' || line.message === 'connection usage');
}

async function server(user?: string) {
  const log = captureLogger();
  const started = await startTestServer({
    deps: {
      logger: log.logger,
      ...(user ? { authorize: async () => ({ user }) } : {}),
    },
  });
  return { ...started, log };
}

describe('connection:usage', () => {
  it('counts relayed bytes and time by provider, relay protocol and direction, and logs one usage line per connection end', async () => {
    const s = await server('user-42@example.com');
    const alice = await joined(s.url, 'board-meeting');
    await request(alice.socket, 'connection:report', relayedReport);
    const first = usage({ bytesSent: 1_000, bytesReceived: 2_000, relayedMs: 500 });
    expect(await request(alice.socket, 'connection:usage', first)).toEqual({
      data: { recorded: true },
    });
    // Totals, not deltas: the second report adds 2,000 sent, 3,000 received, 400 ms.
    const last = usage({ bytesSent: 3_000, bytesReceived: 5_000, relayedMs: 900, final: true });
    expect(await request(alice.socket, 'connection:usage', last)).toEqual({
      data: { recorded: true },
    });
    // The connection ended: a late report of it counts nothing.
    const late = usage({ bytesSent: 9_000, bytesReceived: 9_000, relayedMs: 1_000 });
    expect(await request(alice.socket, 'connection:usage', late)).toEqual({
      data: { recorded: false },
    });

    const labels = { provider: 'static', relay_protocol: 'udp' };
    expect(await s.counter('icelane_relay_bytes_total', { ...labels, direction: 'sent' })).toBe(
      3_000,
    );
    expect(await s.counter('icelane_relay_bytes_total', { ...labels, direction: 'received' })).toBe(
      5_000,
    );
    expect(await s.counter('icelane_relayed_seconds_total', labels)).toBeCloseTo(0.9);
    expect(
      await s.counter('icelane_connections_ended_total', { relayed: 'true', end: 'closed' }),
    ).toBe(1);

    const lines = usageLines(s.log.lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      user: 'user-42@example.com',
      peerId: alice.answer.peerId,
      remotePeerId: BOB,
      attempt: 1,
      provider: 'static',
      relayed: true,
      localType: 'relay',
      remoteType: 'prflx',
      relayProtocol: 'udp',
      bytesSent: 3_000,
      bytesReceived: 5_000,
      relayedMs: 900,
      bounded: false,
      end: 'closed',
    });
    // Per-user figures go to the log only: no user, peer or room on /metrics.
    const text = (await rawGet(s.port, '/metrics')).body;
    for (const secret of ['user-42', alice.answer.peerId, BOB, 'board-meeting']) {
      expect(text).not.toContain(secret);
    }
  });

  it('bounds claims: no more than the time since the previous report allows, and never less than before', async () => {
    const s = await server();
    const alice = await joined(s.url, 'standup');
    const startedAt = Date.now();
    const huge = usage({ bytesSent: 10_000_000_000, bytesReceived: 5, relayedMs: 86_400_000 });
    expect(await request(alice.socket, 'connection:usage', huge)).toEqual({
      data: { recorded: true },
    });
    const elapsedS = (Date.now() - startedAt) / 1000 + 1;
    const sent = await s.counter('icelane_relay_bytes_total', { direction: 'sent' });
    expect(sent).toBeGreaterThanOrEqual(USAGE_BOUNDS.slackBytes);
    expect(sent).toBeLessThanOrEqual(
      USAGE_BOUNDS.slackBytes + USAGE_BOUNDS.bytesPerSecond * elapsedS,
    );
    expect(await s.counter('icelane_relay_bytes_total', { direction: 'received' })).toBe(5);
    expect(await s.counter('icelane_relayed_seconds_total')).toBeLessThanOrEqual(
      USAGE_BOUNDS.slackMs / 1000 + elapsedS,
    );
    // The excess is dropped for good: the same total again adds nothing.
    await request(alice.socket, 'connection:usage', huge);
    expect(await s.counter('icelane_relay_bytes_total', { direction: 'sent' })).toBe(sent);
    // A total that went down adds nothing either.
    await request(alice.socket, 'connection:usage', usage({ bytesReceived: 1 }));
    expect(await s.counter('icelane_relay_bytes_total', { direction: 'received' })).toBe(5);
    expect(await s.counter('icelane_usage_bounded_total', { reason: 'over-rate' })).toBe(2);
    expect(
      await s.counter('icelane_usage_bounded_total', { reason: 'decreasing' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('logs the connections still open when the client disconnects, under its peer id when the join named no user', async () => {
    const s = await server();
    const alice = await joined(s.url, 'standup');
    await request(alice.socket, 'connection:report', {
      ...relayedReport,
      relayed: false,
      local: { type: 'host', protocol: 'udp' },
      remote: { type: 'srflx', protocol: 'udp' },
    });
    await request(alice.socket, 'connection:report', {
      ...relayedReport,
      peerId: 'carolsPeerId001',
    });
    await request(
      alice.socket,
      'connection:usage',
      usage({ peerId: 'carolsPeerId001', bytesSent: 700 }),
    );
    alice.socket.disconnect();
    await expect.poll(() => usageLines(s.log.lines).length).toBe(2);
    const lines = usageLines(s.log.lines);
    expect(
      lines.map((line) => [line.remotePeerId, line.relayed, line.bytesSent, line.end]),
    ).toEqual([
      [BOB, false, 0, 'disconnected'],
      ['carolsPeerId001', true, 700, 'disconnected'],
    ]);
    for (const line of lines) expect(line.user).toBe(alice.answer.peerId);
  });

  it('refuses malformed reports and reports from a socket in no room', async () => {
    const s = await server();
    const alice = await joined(s.url, 'standup');
    for (const bad of [
      usage({ bytesSent: -1 }),
      usage({ bytesSent: 1.5 }),
      usage({ bytesReceived: Number.MAX_SAFE_INTEGER + 2 }),
      usage({ relayedMs: 31 * 24 * 3600_000 }),
      { ...usage({}), final: 'yes' },
      { ...usage({}), attempt: 0 },
      { ...usage({}), relayProtocol: 'quic' },
    ]) {
      expect(await request(alice.socket, 'connection:usage', bad)).toMatchObject({
        error: { code: 'invalid-payload' },
      });
    }
    await request(alice.socket, 'room:leave');
    expect(await request(alice.socket, 'connection:usage', usage({}))).toMatchObject({
      error: { code: 'not-in-room' },
    });
    expect(await s.counter('icelane_relay_bytes_total')).toBe(0);
  });

  it("names the join token's subject as the user with the built-in JWT check", async () => {
    const secret = 'a-test-secret-of-at-least-32-bytes!!';
    const log = captureLogger();
    const authorize = createJwtAuthorize({ secret }, { logger: log.logger });
    const s = await startTestServer({ deps: { authorize, logger: log.logger } });
    const token = hs256(secret, { sub: 'customer-7', room: 'standup', exp: inSeconds(60) });
    const socket = await connect(s.url, { auth: { token } });
    expect(await request(socket, 'room:join', { room: 'standup' })).toHaveProperty('data');
    await request(socket, 'connection:usage', usage({ bytesSent: 10, final: true }));
    expect(usageLines(log.lines)).toEqual([expect.objectContaining({ user: 'customer-7' })]);
  });
});
