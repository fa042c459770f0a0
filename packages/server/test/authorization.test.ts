import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRequest } from '../src/clients/authorize.js';
import { connect, disconnectAll, request } from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

describe('join authorization', () => {
  it('passes the handshake token and room to the hook and follows its decision', async () => {
    const seen: Array<Pick<AuthRequest, 'token' | 'room'>> = [];
    const server = await startTestServer({
      deps: {
        authorize: async ({ token, room }) => {
          seen.push({ token, room });
          if (token === 'admin') return true;
          if (token === 'guest-standup') return { allowedRoom: 'standup' };
          return false;
        },
      },
    });
    const anonymous = await connect(server.url);
    expect(await request(anonymous, 'room:join', { room: 'standup' })).toEqual({
      error: { code: 'unauthorized', message: 'not allowed to join this room' },
    });

    const guest = await connect(server.url, { auth: { token: 'guest-standup' } });
    expect(await request(guest, 'room:join', { room: 'board' })).toEqual({
      error: {
        code: 'unauthorized',
        message: 'not allowed to join this room: admitted to another room only',
      },
    });
    expect(await request(guest, 'room:join', { room: 'standup' })).toMatchObject({
      data: { room: 'standup' },
    });

    const admin = await connect(server.url, { auth: { token: 'admin' } });
    expect(await request(admin, 'room:join', { room: 'board' })).toMatchObject({
      data: { room: 'board' },
    });
    expect(seen).toEqual([
      { token: undefined, room: 'standup' },
      { token: 'guest-standup', room: 'board' },
      { token: 'guest-standup', room: 'standup' },
      { token: 'admin', room: 'board' },
    ]);
    expect(await server.counter('icelane_joins_total', { outcome: 'unauthorized' })).toBe(2);
  });

  it("tells the client the hook's reason for a refusal, on a join and on GET /ice", async () => {
    const server = await startTestServer({
      deps: { authorize: async () => ({ refused: 'the meeting has ended' }) },
    });
    const socket = await connect(server.url);
    expect(await request(socket, 'room:join', { room: 'r' })).toEqual({
      error: {
        code: 'unauthorized',
        message: 'not allowed to join this room: the meeting has ended',
      },
    });
    const ice = await fetch(`${server.url}/ice`);
    expect(ice.status).toBe(401);
    expect(await ice.json()).toEqual({
      error: { code: 'unauthorized', message: 'not allowed: the meeting has ended' },
    });
  });

  it('refuses when the hook throws, and keeps serving', async () => {
    const server = await startTestServer({
      deps: {
        authorize: async () => {
          throw new Error('token service down');
        },
      },
    });
    const socket = await connect(server.url);
    // The error stays in the server's log: the client is told only that it was not let in.
    expect(await request(socket, 'room:join', { room: 'r' })).toEqual({
      error: { code: 'unauthorized', message: 'not allowed to join this room' },
    });
  });
});

describe('CORS origin allow-list', () => {
  it('refuses socket.io handshakes from other origins, over WebSocket and polling', async () => {
    const server = await startTestServer({ options: { corsOrigins: ['https://app.example'] } });
    for (const transports of [['websocket'], ['polling']]) {
      await expect(
        connect(server.url, { transports, extraHeaders: { origin: 'https://evil.example' } }),
      ).rejects.toThrow();
      const ok = await connect(server.url, {
        transports,
        extraHeaders: { origin: 'https://app.example' },
      });
      expect(ok.connected).toBe(true);
    }
  });
});
