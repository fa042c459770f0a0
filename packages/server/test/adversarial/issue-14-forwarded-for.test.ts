/**
 * Issue 14, defect 9: `ICELANE_TRUSTED_PROXIES=1` believed `X-Forwarded-For` from anyone who
 * connected directly: 200 of 200 joins from one address, each with a made-up header, passed a
 * per-IP limit meant to stop them. The header is now believed from the listed proxies only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, disconnectAll, request } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const joinFrom = async (url: string, forwardedFor: string) =>
  request(await connect(url, { extraHeaders: { 'x-forwarded-for': forwardedFor } }), 'room:join', {
    room: 'r',
  });

describe('X-Forwarded-For from a client that is not a trusted proxy', () => {
  it('buys no fresh per-IP budget', async () => {
    const server = await startTestServer({
      options: {
        // A proxy exists, but this client is not it.
        trustedProxies: ['10.0.0.1'],
        rateLimits: { joinPerIp: { burst: 5, perSecond: 0.001 } },
      },
    });
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await joinFrom(server.url, `198.51.100.${i}`));
    expect(answers.filter((answer) => 'data' in answer)).toHaveLength(5);
  });

  it('is believed from the listed proxy, one client per forwarded address', async () => {
    const server = await startTestServer({
      options: {
        trustedProxies: ['127.0.0.0/8'],
        rateLimits: { joinPerIp: { burst: 1, perSecond: 0.001 } },
      },
    });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await joinFrom(server.url, `198.51.100.${i}`));
    expect(answers.every((answer) => 'data' in answer)).toBe(true);
  });

  it('counts IPv6 clients by their /64: addresses within one share its budget', async () => {
    const server = await startTestServer({
      options: {
        trustedProxies: ['127.0.0.0/8'],
        rateLimits: { joinPerIp: { burst: 2, perSecond: 0.001 } },
      },
    });
    const joined = async (forwardedFor: string) =>
      'data' in (await joinFrom(server.url, forwardedFor));
    const sameSubnet = [];
    for (let i = 1; i <= 4; i++) sameSubnet.push(await joined(`2001:db8:0:1::${i}`));
    expect(sameSubnet).toEqual([true, true, false, false]);
    // Another /64, and the same one written out in full, once exhausted.
    expect(await joined('2001:db8:0:2::1')).toBe(true);
    expect(await joined('2001:0db8:0000:0001:ffff:0:0:9')).toBe(false);
  });

  it('keys by /64 on a server listening on IPv6, behind a proxy that reaches it over ::1', async () => {
    const server = await startTestServer({
      host: '::1',
      options: {
        trustedProxies: ['::1'],
        rateLimits: { joinPerIp: { burst: 1, perSecond: 0.001 } },
      },
    });
    const joined = async (forwardedFor: string) =>
      'data' in (await joinFrom(server.url, forwardedFor));
    expect(await joined('2001:db8:0:1::1')).toBe(true);
    expect(await joined('2001:db8:0:1::2')).toBe(false);
    expect(await joined('2001:db8:0:2::1')).toBe(true);
  });
});
