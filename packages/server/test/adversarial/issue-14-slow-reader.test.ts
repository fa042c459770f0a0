/**
 * Issue 14, defect 2: a client that stops reading while answering pings kept its socket alive,
 * and the server buffered everything meant for it without a bound (3 such sockets: +11 MB/s).
 * Past `maxOutgoingBufferBytes` waiting for it, it is cut off, and its room is told it left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import { disconnectAll, joined, nextEvent, request, type TestClient } from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';
import { destroyAttackSockets, rawWebSocket } from './attack-clients.js';
import { expectServedWell, joinLatencies, memoryInUse } from './well-behaved.js';

afterEach(async () => {
  destroyAttackSockets();
  disconnectAll();
  await closeAll();
});

/** A signal just under the protocol's 64 KiB cap: the most a roommate can push per message. */
const BIG = { type: 'offer', sdp: 'x'.repeat(60 * 1024) };

/** Sends big signals to `to` as fast as the server acknowledges them, until `stop()`. */
function flood(sender: TestClient, to: string) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped && sender.connected) {
      const answer = await request(sender, 'signal', { to, attempt: 1, data: BIG });
      if ('error' in answer && answer.error.code === 'unknown-peer') return;
      if ('error' in answer) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

describe('a client that stops reading but answers pings', () => {
  it('is cut off once too much waits for it, and its room hears it left', async () => {
    const server = await startTestServer();
    const memoryBefore = memoryInUse();

    const slow = await rawWebSocket(server.port);
    slow.send('40');
    await slow.receive(/40\{"sid"/);
    slow.send('420["room:join",{"room":"victim"}]');
    const joinAnswer = await slow.receive(/"peerId":"[^"]+"/);
    const peerId = joinAnswer.slice('"peerId":"'.length, -1);
    // From here it reads nothing, and keeps telling the server it is alive.
    slow.socket.pause();
    const pongs = setInterval(() => slow.send('3'), 200);

    const senders = await Promise.all([1, 2, 3].map(() => joined(server.url, 'victim')));
    const left = nextEvent<{ peerId: string }>(senders[0]!.socket, 'peer:left', 8_000);
    const stops = senders.map(({ socket }) => flood(socket, peerId));
    const latencies = await joinLatencies(server.url, 20);
    try {
      expect(await left).toEqual({ peerId });
    } finally {
      clearInterval(pongs);
      await Promise.all(stops.map((stop) => stop()));
    }
    expect(await server.counter('icelane_connections_cut_total', { reason: 'slow-reader' })).toBe(
      1,
    );
    expectServedWell(latencies, memoryBefore);
    // The roommates stayed: only the reader that stopped reading was cut.
    const answer = await request<JoinAnswer>(senders[0]!.socket, 'room:join', { room: 'x' });
    expect(answer).toMatchObject({ error: { code: 'already-joined' } });
  });
});
