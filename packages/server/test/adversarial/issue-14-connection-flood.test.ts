/**
 * Issue 14, defect 10: about 26,700 idle TCP connections from one address used all 20,000 file
 * descriptors, and every join and `/healthz` failed. Connections past the per-address cap are
 * now refused before a byte is read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { disconnectAll } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';
import { destroyAttackSockets, httpRequest, idleConnections } from './attack-clients.js';
import { GOOD_ADDRESS, expectServedWell, joinLatencies, memoryInUse } from './well-behaved.js';

afterEach(async () => {
  destroyAttackSockets();
  disconnectAll();
  await closeAll();
});

const CAP = 50;

/** Waits for `done()`, failing the test after 10 s. */
async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const FLOOD = 400;

describe('a flood of idle connections from one address', () => {
  it('is held to the per-address cap while other addresses join and check health', async () => {
    const server = await startTestServer({ options: { maxConnectionsPerAddress: CAP } });
    const memoryBefore = memoryInUse();
    const flood = await idleConnections(server.port, FLOOD);
    // The server accepts from its backlog at its own pace: on a busy machine, a while.
    const refused = () =>
      server.counter('icelane_connections_cut_total', { reason: 'address-cap' });
    await until(async () => (await refused()) === FLOOD - CAP);
    const open = () => flood.filter((socket) => !socket.destroyed && !socket.readableEnded);
    await until(async () => open().length <= CAP);
    expect(open()).toHaveLength(CAP);

    const latencies = await joinLatencies(server.url, 20);
    const health = await httpRequest(server.port, '/healthz', { localAddress: GOOD_ADDRESS });
    expect(health.status).toBe(200);
    expectServedWell(latencies, memoryBefore);

    // The address gets its connections back as soon as it closes some.
    // The server sees the closes when it next reads those sockets: a while on a busy machine.
    destroyAttackSockets();
    const healthy = () =>
      httpRequest(server.port, '/healthz').then(
        (answer) => answer.status === 200,
        () => false,
      );
    await until(healthy);
  });
});
