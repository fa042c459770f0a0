/**
 * Issue 14, defect 4: requests without a token spent the address's join budget, charged before
 * authorization; a hostile page making its visitors' browsers send them locked out every valid
 * user behind the same address (a carrier-grade NAT). Refusals now spend a budget of their own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, disconnectAll, request } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';
import { httpRequest } from './attack-clients.js';
import { expectServedWell, joinLatencies, memoryInUse } from './well-behaved.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const SHARED_ADDRESS = '127.0.0.1';

describe('unauthenticated requests from an address valid users share', () => {
  it('never refuse a valid user, however many there are', async () => {
    const server = await startTestServer({
      deps: {
        authorize: async ({ token }) =>
          token === 'valid-token' ? true : { refused: 'a join token is required' },
      },
    });
    const memoryBefore = memoryInUse();
    // Tokenless GET /ice, as a hostile page's visitors send them cross-origin, and tokenless
    // joins on sockets of their own, many times the per-IP join burst (60).
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 20 }, () => httpRequest(server.port, '/ice')));
    }
    const sockets = await Promise.all(Array.from({ length: 60 }, () => connect(server.url)));
    const refusals = await Promise.all(
      sockets.map((socket) => request(socket, 'room:join', { room: 'r' })),
    );
    expect(refusals.every((answer) => 'error' in answer)).toBe(true);

    // 50 valid users behind the same address join, all of them (within the join budget, 60).
    const latencies = await joinLatencies(server.url, 50, {
      token: 'valid-token',
      localAddress: SHARED_ADDRESS,
    });
    expect(latencies).toHaveLength(50);
    expectServedWell(latencies, memoryBefore);
  });

  it('still limits the refusals themselves, per address', async () => {
    const server = await startTestServer({
      options: { rateLimits: { refusedPerIp: { burst: 5, perSecond: 0.001 } } },
      deps: { authorize: async () => false },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await httpRequest(server.port, '/ice')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
