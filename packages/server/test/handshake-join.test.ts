/**
 * Issue 25, item 3: a join sent in socket.io's handshake (`auth.join`) is run as `room:join` is,
 * every check included, and answered with `room:joined` right after CONNECT, without the client
 * sending anything: one round trip less before a call can start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JoinAnswer, PeerInfo, PeerLeft } from '@icelane/protocol';
import {
  connect,
  disconnectAll,
  joinInHandshake,
  joined,
  nextEvent,
  request,
} from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

/** The answer's data; fails the test on a refusal. */
function dataOf(answer: Awaited<ReturnType<typeof joinInHandshake>>['answer']): JoinAnswer {
  if (!('data' in answer)) throw new Error(`join failed: ${JSON.stringify(answer)}`);
  return answer.data;
}

describe('a join sent in the handshake', () => {
  it('is answered after CONNECT with what room:join answers, and the room hears of it', async () => {
    const server = await startTestServer();
    const first = await joined(server.url, 'standup', { name: 'Ada' });
    const announced = nextEvent<PeerInfo>(first.socket, 'peer:joined');
    const { socket, answer } = await joinInHandshake(server.url, {
      join: { room: 'standup', name: 'Grace', meta: { colour: 'red' } },
    });
    const data = dataOf(answer);
    expect(data.peerId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(data.room).toBe('standup');
    expect(data.peers).toEqual([{ peerId: first.answer.peerId, name: 'Ada' }]);
    expect(data.ice.turn).toBe(true);
    expect(data.resumeToken).toEqual(expect.any(String));
    expect(await announced).toEqual({
      peerId: data.peerId,
      name: 'Grace',
      meta: { colour: 'red' },
    });
    // The socket is in the room: it signals as any joined socket does.
    const signal = { to: first.answer.peerId, attempt: 1, data: { type: 'offer', sdp: 'v=0' } };
    expect(await request(socket, 'signal', signal)).toEqual({ data: { delivered: true } });
    expect(await server.counter('icelane_joins_total', { outcome: 'ok' })).toBe(2);
  });

  it('refuses a second join on the same socket, and leaves a socket without one to room:join', async () => {
    const server = await startTestServer();
    const { socket, answer } = await joinInHandshake(server.url, { join: { room: 'r1' } });
    dataOf(answer);
    expect(await request(socket, 'room:join', { room: 'r2' })).toEqual({
      error: { code: 'already-joined', message: expect.any(String) },
    });
    // A token alone (no join) in the handshake: nothing is joined until room:join.
    const plain = await connect(server.url, { auth: { token: 't' } });
    const later = await request<JoinAnswer>(plain, 'room:join', { room: 'r1' });
    expect('data' in later && later.data.peers).toHaveLength(1);
  });

  it('answers a bad join with the refusal room:join gives, and keeps the socket', async () => {
    const server = await startTestServer();
    for (const join of [{ room: 'no spaces' }, 'standup', null, { room: 'r', meta: [1] }]) {
      const { socket, answer } = await joinInHandshake(server.url, { join });
      expect(answer).toEqual({
        error: { code: 'invalid-payload', message: expect.any(String) },
      });
      expect(socket.connected).toBe(true);
      // Refused, not joined: a valid room:join on the same socket goes through.
      const again = await request<JoinAnswer>(socket, 'room:join', { room: 'standup' });
      expect('data' in again).toBe(true);
      socket.disconnect();
    }
    expect(await server.counter('icelane_joins_total', { outcome: 'invalid-payload' })).toBe(4);
  });

  it('is refused past the room cap and the per-address limit, as room:join is', async () => {
    const server = await startTestServer({
      options: {
        roomPeerCap: 1,
        rateLimits: { joinPerIp: { burst: 2, perSecond: 0.001 } },
      },
    });
    dataOf((await joinInHandshake(server.url, { join: { room: 'small' } })).answer);
    expect((await joinInHandshake(server.url, { join: { room: 'small' } })).answer).toEqual({
      error: { code: 'room-full', message: 'the room is full' },
    });
    dataOf((await joinInHandshake(server.url, { join: { room: 'other' } })).answer);
    // Two authorized joins took the address's budget; the room-full one did not reach it.
    const limited = (await joinInHandshake(server.url, { join: { room: 'third' } })).answer;
    expect(limited).toEqual({
      error: {
        code: 'rate-limited',
        message: expect.any(String),
        retryAfterMs: expect.any(Number),
      },
    });
  });

  it("hands the handshake's token to the authorization hook and answers its refusal", async () => {
    const server = await startTestServer({
      deps: {
        authorize: async ({ token, room }) =>
          token === 'good' && room === 'standup' ? { user: 'ada' } : false,
      },
    });
    dataOf(
      (await joinInHandshake(server.url, { token: 'good', join: { room: 'standup' } })).answer,
    );
    const refused = await joinInHandshake(server.url, { token: 'bad', join: { room: 'standup' } });
    expect(refused.answer).toEqual({
      error: { code: 'unauthorized', message: 'not allowed to join this room' },
    });
    expect(await server.counter('icelane_joins_total', { outcome: 'unauthorized' })).toBe(1);
  });

  it("with the previous join's resume token, replaces the previous id at once", async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'call');
    const bob = dataOf((await joinInHandshake(server.url, { join: { room: 'call' } })).answer);
    const left = nextEvent<PeerLeft>(alice.socket, 'peer:left');
    // Bob's first connection is still up (its drop not noticed yet) when he joins again.
    const again = dataOf(
      (await joinInHandshake(server.url, { join: { room: 'call', resume: bob.resumeToken } }))
        .answer,
    );
    expect(again.peers).toEqual([{ peerId: alice.answer.peerId }]);
    expect(await left).toEqual({ peerId: bob.peerId, rejoinedAs: again.peerId });
  });

  it('in flight when the server stops, is answered shutting-down before the disconnect', async () => {
    let unblock!: () => void;
    const held = new Promise<void>((resolve) => (unblock = resolve));
    let waiting!: () => void;
    const joinWaits = new Promise<void>((resolve) => (waiting = resolve));
    const server = await startTestServer({
      iceFor: async (session, real) => {
        waiting();
        await held;
        return real.iceFor(session);
      },
    });
    const answering = joinInHandshake(server.url, { join: { room: 'r' } });
    await joinWaits;
    const closing = server.close();
    expect((await answering).answer).toEqual({
      error: { code: 'shutting-down', message: 'the server is shutting down' },
    });
    unblock();
    await closing;
  });
});
