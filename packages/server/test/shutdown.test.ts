import { afterEach, describe, expect, it } from 'vitest';
import { connect, disconnectAll, joined, nextEvent, request } from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

describe('closing the server', () => {
  it('tells every client to reconnect later, disconnects them and releases their sessions', async () => {
    const server = await startTestServer({ options: { shutdownReconnectAfterMs: 1_500 } });
    const alice = await joined(server.url, 'call');
    const lobby = await connect(server.url);
    const notices = [
      nextEvent(alice.socket, 'server:shutdown'),
      nextEvent(lobby, 'server:shutdown'),
    ];
    const gone = nextEvent(alice.socket, 'disconnect');
    await server.close();
    expect(await Promise.all(notices)).toEqual([
      { reconnectAfterMs: 1_500 },
      { reconnectAfterMs: 1_500 },
    ]);
    expect(await gone).toBe('io server disconnect');
    expect(server.released).toHaveLength(1);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('refuses joins once shutting down', async () => {
    let open!: () => void;
    const server = await startTestServer({ closeGate: new Promise<void>((r) => (open = r)) });
    const closing = server.close();
    // The listener is still up while the ICE source closes; a late client is turned away.
    const late = await connect(server.url);
    expect(await request(late, 'room:join', { room: 'r' })).toMatchObject({
      error: { code: 'shutting-down' },
    });
    open();
    await closing;
  });

  it('answers the joins in flight shutting-down before disconnecting (issue 14, defect 8)', async () => {
    let unblock!: () => void;
    const held = new Promise<void>((resolve) => (unblock = resolve));
    const JOINS = 20;
    let waiting = 0;
    let allWaiting!: () => void;
    const everyJoinWaits = new Promise<void>((resolve) => (allWaiting = resolve));
    const server = await startTestServer({
      iceFor: async (session, real) => {
        if (++waiting === JOINS) allWaiting();
        await held;
        return real.iceFor(session);
      },
    });
    const sockets = await Promise.all(Array.from({ length: JOINS }, () => connect(server.url)));
    const answers = Promise.all(
      sockets.map((socket, i) => request(socket, 'room:join', { room: `r${i}` })),
    );
    // Every join is waiting for its ICE servers when the server begins to stop (else a join
    // would meet the early shutting-down answer, not the one for joins in flight).
    await everyJoinWaits;
    const closing = server.close();
    expect(await answers).toEqual(
      Array(JOINS).fill({
        error: { code: 'shutting-down', message: 'the server is shutting down' },
      }),
    );
    unblock();
    await closing;
  });
});
