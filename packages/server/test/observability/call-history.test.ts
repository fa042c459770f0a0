import { afterEach, describe, expect, it } from 'vitest';
import type { CallHistory, ConnectionReport } from '@icelane/protocol';
import { disconnectAll, joined, request } from '../support/clients.js';
import { connectionReport, usageReport } from '../support/reports.js';
import { STATIC_TURN, closeAll, startTestServer } from '../support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const ROOM = 'quarterly-board-meeting';
const USER = 'ada@example.com';

const report = (peerId: string, fields: Partial<ConnectionReport> = {}) =>
  connectionReport(peerId, { timeToConnectMs: 412, ...fields });
const usage = usageReport;

async function history(url: string): Promise<{ status: number; text: string; body: CallHistory }> {
  const res = await fetch(`${url}/history`);
  const text = await res.text();
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { status: res.status, text, body: JSON.parse(text) as CallHistory };
}

describe('GET /history', () => {
  it("answers each side's connection and relay usage as the metrics counted them, with their times and no identity", async () => {
    const server = await startTestServer({ deps: { authorize: async () => ({ user: USER }) } });
    const before = Date.now();
    const ada = await joined(server.url, ROOM);
    const grace = await joined(server.url, ROOM);
    const adaId = ada.answer.peerId;
    const graceId = grace.answer.peerId;
    await request(ada.socket, 'connection:report', report(graceId));
    const direct = {
      local: { type: 'host', protocol: 'udp' },
      remote: { type: 'srflx', protocol: 'udp' },
      relayed: false,
      timeToConnectMs: 287,
    } as const;
    await request(grace.socket, 'connection:report', report(adaId, direct));
    // Totals: the second report adds 2,000 sent, 3,000 received and 400 ms.
    const first = usage(graceId, { bytesSent: 1_000, bytesReceived: 2_000, relayedMs: 500 });
    await request(ada.socket, 'connection:usage', first);
    const last = { bytesSent: 3_000, bytesReceived: 5_000, relayedMs: 900, final: true };
    await request(ada.socket, 'connection:usage', usage(graceId, last));

    const { status, text, body } = await history(server.url);
    expect(status).toBe(200);
    expect(body.limits).toEqual({ connections: 500, usage: 1_000, quality: 500 });
    expect(body.dropped).toEqual({ connections: 0, usage: 0, quality: 0 });
    expect(body.connections).toEqual([
      {
        at: expect.any(Number),
        relayed: true,
        localType: 'relay',
        remoteType: 'prflx',
        relayProtocol: 'udp',
        attempt: 1,
        timeToConnectMs: 412,
      },
      {
        at: expect.any(Number),
        relayed: false,
        localType: 'host',
        remoteType: 'srflx',
        relayProtocol: 'none',
        attempt: 1,
        timeToConnectMs: 287,
      },
    ]);
    const route = { provider: 'static', relayProtocol: 'udp' };
    expect(body.usage).toMatchObject([
      { ...route, bytesSent: 1_000, bytesReceived: 2_000, relayedMs: 500, final: false },
      { ...route, bytesSent: 2_000, bytesReceived: 3_000, relayedMs: 400, final: true },
    ]);
    // The same figures as the counters.
    const sent = await server.counter('icelane_relay_bytes_total', { direction: 'sent' });
    expect(body.usage.reduce((sum, u) => sum + u.bytesSent, 0)).toBe(sent);
    for (const record of [...body.connections, ...body.usage]) {
      expect(record.at).toBeGreaterThanOrEqual(before);
      expect(record.at).toBeLessThanOrEqual(body.now);
    }
    expect(body.startedAt).toBeLessThanOrEqual(before);
    for (const usageRecord of body.usage) expect(usageRecord.intervalMs).toBeGreaterThanOrEqual(0);
    for (const secret of [adaId, graceId, ROOM, USER, STATIC_TURN.username]) {
      expect(text).not.toContain(secret);
    }
  });

  it('keeps the latest records within its bounds, the oldest dropped first', async () => {
    const server = await startTestServer({ history: { maxConnections: 2, maxUsage: 2 } });
    const { socket } = await joined(server.url, ROOM);
    const far = 'farPeerId000001';
    for (const attempt of [1, 2, 3]) {
      await request(
        socket,
        'connection:report',
        report(far, { attempt, timeToConnectMs: attempt }),
      );
    }
    for (const bytesSent of [100, 200, 300]) {
      await request(socket, 'connection:usage', usage(far, { bytesSent }));
    }
    const { body } = await history(server.url);
    expect(body.connections.map((c) => c.timeToConnectMs)).toEqual([2, 3]);
    expect(body.usage.map((u) => u.bytesSent)).toEqual([100, 100]);
    expect(body.dropped).toEqual({ connections: 1, usage: 1, quality: 0 });
    // Three sides were counted all the same: the metrics keep everything since the start.
    expect(await server.counter('icelane_connections_total')).toBe(3);
  });

  it('is as open as /metrics, under the same path prefix, and answers GET only', async () => {
    const server = await startTestServer({
      options: { pathPrefix: '/rtc' },
      // Joins need a token: the figures' routes do not, on this server or without the hook.
      deps: { authorize: async ({ token }) => token === 'let-me-in' },
    });
    for (const path of ['/rtc/metrics', '/rtc/history']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    }
    expect((await fetch(`${server.url}/history`)).status).toBe(404);
    expect((await fetch(`${server.url}/rtc/history`, { method: 'POST' })).status).toBe(405);
  });
});
