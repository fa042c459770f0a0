import { afterEach, describe, expect, it } from 'vitest';
import type { IceConfig } from '@icelane/protocol';
import { createLogger } from '../src/observability/logger.js';
import { connect, disconnectAll, joined, record, request } from './support/clients.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

describe('faults inside the server', () => {
  it('answers internal when a handler throws, logs it without the payload, and keeps serving', async () => {
    const lines: string[] = [];
    let broken = true;
    const server = await startTestServer({
      deps: { logger: createLogger({ write: (line) => lines.push(line) }) },
      iceFor: (session, real) => {
        if (broken) throw new Error('ice source bug');
        return real.iceFor(session);
      },
    });
    const socket = await connect(server.url);
    const answer = await request(socket, 'room:join', { room: 'r', name: 'Ada Lovelace' });
    expect(answer).toEqual({ error: { code: 'internal', message: 'internal server error' } });
    const logged = lines.join('\n');
    expect(logged).toContain('"msg":"signaling handler failed"');
    expect(logged).toContain('"event":"room:join"');
    expect(logged).not.toContain('Ada Lovelace');
    expect(await server.counter('icelane_joins_total', { outcome: 'internal' })).toBe(1);

    // Neither the room nor the socket kept anything of the failed join.
    broken = false;
    expect(await request(socket, 'room:join', { room: 'r' })).toMatchObject({
      data: { peers: [] },
    });
    expect(server.released).toHaveLength(1);
  });

  it('gives up a join whose client left while the ICE servers were coming', async () => {
    let arrive!: () => void;
    const slow = new Promise<void>((resolve) => (arrive = resolve));
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    let holdNext = false;
    const server = await startTestServer({
      iceFor: async (session, real) => {
        if (holdNext) {
          holdNext = false;
          entered();
          await slow;
        }
        return real.iceFor(session);
      },
    });
    const host = await joined(server.url, 'r');
    const announced = record(host.socket, 'peer:joined');

    holdNext = true;
    const quitter = await connect(server.url);
    quitter.emit('room:join', { room: 'r' }, () => {});
    await waiting;
    quitter.disconnect();
    await expect.poll(() => server.counter('icelane_connected_sockets')).toBe(1);
    arrive();

    await expect.poll(() => server.released.length).toBe(1);
    const next = await joined(server.url, 'r');
    expect(next.answer.peers.map((peer) => peer.peerId)).toEqual([host.answer.peerId]);
    expect(announced).toEqual([{ peerId: next.answer.peerId }]);
  });

  it('refuses a second join while the first is still waiting', async () => {
    let arrive!: () => void;
    const slow = new Promise<void>((resolve) => (arrive = resolve));
    const server = await startTestServer({
      iceFor: async (session, real): Promise<IceConfig> => {
        await slow;
        return real.iceFor(session);
      },
    });
    const socket = await connect(server.url);
    const first = request(socket, 'room:join', { room: 'a' });
    const second = await request(socket, 'room:join', { room: 'b' });
    expect(second).toMatchObject({ error: { code: 'already-joined' } });
    arrive();
    expect(await first).toMatchObject({ data: { room: 'a' } });
  });
});
