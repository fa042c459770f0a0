/**
 * Issue 14, defect 1: one long-polling POST of 99 KB carrying 33,000 socket.io CONNECT packets
 * made 33,000 server-side sockets (socket.io 4.8.4 checks for a second CONNECT only once the
 * first has finished). The transport guard cuts the connection past a few.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { disconnectAll } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';
import {
  destroyAttackSockets,
  httpRequest,
  pollingPost,
  pollingSession,
} from './attack-clients.js';
import { expectServedWell, joinLatencies, memoryInUse } from './well-behaved.js';

afterEach(async () => {
  destroyAttackSockets();
  disconnectAll();
  await closeAll();
});

/** Just under socket.io's 100 KB cap on a POST: `40` and a separator, 33,000 times. */
const CONNECTS = Array.from({ length: 33_000 }, () => '40');

describe('a long-polling POST full of CONNECT packets', () => {
  it('makes a few sockets at most and cuts the connection, while others join quickly', async () => {
    const server = await startTestServer();
    const memoryBefore = memoryInUse();
    const attack = (async () => {
      for (let round = 0; round < 6; round++) {
        const sessions = await Promise.all([1, 2].map(() => pollingSession(server.port)));
        await Promise.all(sessions.map((sid) => pollingPost(server.port, sid, CONNECTS)));
      }
    })();
    const latencies = await joinLatencies(server.url, 20);
    await attack;
    // The cuts happen while each POST is read, before its answer; a request handled after them
    // is an ordering barrier for anything they left queued.
    expect((await httpRequest(server.port, '/healthz')).status).toBe(200);

    // Every attacking session was cut: its sockets are gone, and so is the session itself.
    expect(server.app.io.of('/').sockets.size).toBe(0);
    expect(await server.counter('icelane_connections_cut_total', { reason: 'connect-flood' })).toBe(
      12,
    );
    expectServedWell(latencies, memoryBefore);
  });

  it('refuses the packets after the cut: the session is closed', async () => {
    const server = await startTestServer();
    const sid = await pollingSession(server.port);
    expect((await pollingPost(server.port, sid, CONNECTS)).status).toBe(200);
    const after = await pollingPost(server.port, sid, ['40']);
    expect(after.status).toBe(400);
    expect(after.body).toContain('Session ID unknown');
  });
});
