/**
 * Issue 14, defect 3: 50 unjoined sockets sending garbage under every rate limit were each
 * refused, again and again, and never dropped: the server spent its CPU answering them. Each
 * refusal is now a strike; a socket out of strikes is disconnected, and an unjoined socket's
 * payloads are refused before they are read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, disconnectAll, nextEvent, type TestClient } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';
import { httpRequest } from './attack-clients.js';
import { GOOD_ADDRESS, expectServedWell, joinLatencies, memoryInUse } from './well-behaved.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const ATTACKERS = 50;
const JUNK = { to: 'AAAAAAAAAAAAAAAA', attempt: 1, data: { sdp: 'x'.repeat(16 * 1024) } };

/** Garbage at 20 events a second: under the signal limit (50/s) and the report limit's burst. */
function sendGarbage(socket: TestClient): () => void {
  let round = 0;
  const timer = setInterval(() => {
    round++;
    socket.emit('signal', JUNK, () => {});
    if (round % 4 === 0) socket.emit('connection:report', { nope: round }, () => {});
    if (round % 5 === 0) socket.emit('admin:shutdown', { now: true });
  }, 50);
  return () => clearInterval(timer);
}

describe('unjoined sockets sending garbage', () => {
  it('are disconnected after their strikes, while others join quickly', async () => {
    const server = await startTestServer();
    const memoryBefore = memoryInUse();
    const attackers = await Promise.all(
      Array.from({ length: ATTACKERS }, () => connect(server.url)),
    );
    const cut = attackers.map((socket) => nextEvent(socket, 'disconnect', 8_000));
    const stops = attackers.map(sendGarbage);
    try {
      const latencies = await joinLatencies(server.url, 20);
      const health = await httpRequest(server.port, '/healthz', { localAddress: GOOD_ADDRESS });
      expect(health.status).toBe(200);
      expect(await Promise.all(cut)).toEqual(Array(ATTACKERS).fill('io server disconnect'));
      expectServedWell(latencies, memoryBefore);
    } finally {
      for (const stop of stops) stop();
    }
    expect(await server.counter('icelane_connections_cut_total', { reason: 'strikes' })).toBe(
      ATTACKERS,
    );
  });
});
