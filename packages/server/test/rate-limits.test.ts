import { afterEach, describe, expect, it } from 'vitest';
import { connect, disconnectAll, joined, request } from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

/** A clock the test moves, so refills do not depend on how fast the machine is. */
function manualClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('rate limits', () => {
  it('refuses signals past the per-socket burst with retryAfterMs, and lets them through after', async () => {
    const clock = manualClock();
    const server = await startTestServer({
      options: { rateLimits: { signal: { burst: 5, perSecond: 10 } } },
      deps: { clock },
    });
    const alice = await joined(server.url, 'r');
    const bob = await joined(server.url, 'r');
    const send = () =>
      request(alice.socket, 'signal', {
        to: bob.answer.peerId,
        attempt: 1,
        data: { type: 'candidate' },
      });
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await send());
    expect(answers.slice(0, 5)).toEqual(Array(5).fill({ data: { delivered: true } }));
    expect(answers[5]).toEqual({
      error: { code: 'rate-limited', message: expect.any(String), retryAfterMs: 100 },
    });
    expect(await server.counter('icelane_rate_limited_total', { event: 'signal' })).toBe(2);

    // Another socket has its own budget.
    expect(
      await request(bob.socket, 'signal', {
        to: alice.answer.peerId,
        attempt: 1,
        data: { type: 'candidate' },
      }),
    ).toEqual({ data: { delivered: true } });

    clock.advance(100);
    expect(await send()).toEqual({ data: { delivered: true } });
  });

  it('limits joins per IP across sockets', async () => {
    const clock = manualClock();
    const server = await startTestServer({
      options: { rateLimits: { joinPerIp: { burst: 3, perSecond: 1 } } },
      deps: { clock },
    });
    for (let i = 0; i < 3; i++) await joined(server.url, `room-${i}`);
    const fourth = await connect(server.url);
    expect(await request(fourth, 'room:join', { room: 'room-3' })).toMatchObject({
      error: { code: 'rate-limited', retryAfterMs: 1000 },
    });
    expect(await server.counter('icelane_joins_total', { outcome: 'rate-limited' })).toBe(1);
    clock.advance(1000);
    expect(await request(fourth, 'room:join', { room: 'room-3' })).toMatchObject({
      data: { room: 'room-3' },
    });
  });

  it('limits ICE refreshes per socket', async () => {
    const clock = manualClock();
    const server = await startTestServer({
      options: { rateLimits: { iceRefresh: { burst: 2, perSecond: 0.5 } } },
      deps: { clock },
    });
    const { socket } = await joined(server.url, 'r');
    expect(await request(socket, 'ice:refresh')).toHaveProperty('data');
    expect(await request(socket, 'ice:refresh')).toHaveProperty('data');
    expect(await request(socket, 'ice:refresh')).toMatchObject({
      error: { code: 'rate-limited', retryAfterMs: 2000 },
    });
  });

  it('counts GET /ice against the same per-IP budget as joins', async () => {
    const server = await startTestServer({
      options: { rateLimits: { joinPerIp: { burst: 2, perSecond: 0.001 } } },
    });
    expect((await fetch(`${server.url}/ice`)).status).toBe(200);
    await joined(server.url, 'r');
    const refused = await fetch(`${server.url}/ice`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate-limited' } });
    const socket = await connect(server.url);
    expect(await request(socket, 'room:join', { room: 'r' })).toMatchObject({
      error: { code: 'rate-limited' },
    });
  });

  it('keys per-IP limits on X-Forwarded-For only behind a trusted proxy', async () => {
    const limits = { joinPerIp: { burst: 1, perSecond: 0.001 } };
    const viaProxy = (server: { url: string }, ip: string) =>
      connect(server.url, { extraHeaders: { 'x-forwarded-for': ip } });

    const proxied = await startTestServer({
      options: { rateLimits: limits, trustedProxies: ['127.0.0.1'] },
    });
    for (const ip of ['100.64.0.1', '100.64.0.2']) {
      expect(await request(await viaProxy(proxied, ip), 'room:join', { room: 'r' })).toHaveProperty(
        'data',
      );
    }
    expect(
      await request(await viaProxy(proxied, '100.64.0.1'), 'room:join', { room: 'r' }),
    ).toMatchObject({ error: { code: 'rate-limited' } });

    // Without a trusted proxy, a made-up header buys no fresh budget.
    const direct = await startTestServer({ options: { rateLimits: limits } });
    expect(
      await request(await viaProxy(direct, '100.64.0.1'), 'room:join', { room: 'r' }),
    ).toHaveProperty('data');
    expect(
      await request(await viaProxy(direct, '100.64.0.2'), 'room:join', { room: 'r' }),
    ).toMatchObject({ error: { code: 'rate-limited' } });
  });
});
