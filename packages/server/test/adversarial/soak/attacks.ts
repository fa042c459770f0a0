/**
 * The attacks of issue 14, run continuously until stopped, each against a server process.
 * Every one keeps attacking when cut off (a real attacker reconnects).
 */
import { io, type Socket } from 'socket.io-client';
import {
  destroyAttackSockets,
  httpRequest,
  idleConnections,
  pollingPost,
  pollingSession,
  rawWebSocket,
} from '../attack-clients.js';

export type Stop = () => Promise<void>;
export type Attack = (url: string, port: number) => Promise<Stop>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `body` in `workers` loops until stopped; errors (a cut, a dead server) are expected. A
 * body that loops itself checks `stopped()`; its sockets are closed once every loop has ended.
 */
function loops(workers: number, body: (stopped: () => boolean) => Promise<unknown>): Stop {
  let stopped = false;
  const running = Array.from({ length: workers }, async () => {
    while (!stopped) await body(() => stopped).catch(() => pause(50));
  });
  return async () => {
    stopped = true;
    await Promise.all(running);
    closeClients();
    destroyAttackSockets();
  };
}

const clients: Socket[] = [];

/** A socket.io client; {@link closeClients} disconnects every one. */
function client(url: string): Socket {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  clients.push(socket);
  return socket;
}

function closeClients(): void {
  for (const socket of clients.splice(0)) socket.disconnect();
}

const CONNECTS = Array.from({ length: 33_000 }, () => '40');

/** Defect 1: long-polling POSTs of 33,000 CONNECT packets, two at a time. */
export const connectFlood: Attack = async (_url, port) =>
  loops(2, async () => pollingPost(port, await pollingSession(port), CONNECTS));

const BIG = { type: 'offer', sdp: 'x'.repeat(60 * 1024) };

/** Defect 2: four rooms, each a reader that stopped reading and three roommates signalling it. */
export const slowReaders: Attack = async (url, port) =>
  loops(4, async (stopped) => {
    const room = `slow-${Math.random()}`;
    const reader = await rawWebSocket(port);
    reader.send('40');
    await reader.receive(/40\{"sid"/);
    reader.send(`420["room:join",{"room":"${room}"}]`);
    const peerId = (await reader.receive(/"peerId":"[^"]+"/)).slice('"peerId":"'.length, -1);
    reader.socket.pause();
    const pongs = setInterval(() => reader.send('3'), 1_000);
    const senders = [1, 2, 3].map(() => client(url));
    await Promise.all(senders.map((s) => s.timeout(5_000).emitWithAck('room:join', { room })));
    // Until the server cuts the reader off (its id becomes unknown) or the roommates are cut.
    await Promise.all(
      senders.map(async (s) => {
        while (!stopped()) {
          const answer = (await s.timeout(5_000).emitWithAck('signal', {
            to: peerId,
            attempt: 1,
            data: BIG,
          })) as { error?: { code: string } };
          if (answer.error?.code === 'unknown-peer') return;
          if (answer.error) await pause(100);
        }
      }),
    ).finally(() => {
      clearInterval(pongs);
      for (const s of senders) s.disconnect();
    });
  });

/** Defect 3: 50 unjoined sockets, each sending garbage 20 times a second, reconnecting when cut. */
export const garbage: Attack = async (url) => {
  const junk = { to: 'AAAAAAAAAAAAAAAA', attempt: 1, data: { sdp: 'x'.repeat(16 * 1024) } };
  return loops(50, async (stopped) => {
    const socket = client(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    for (let round = 1; socket.connected && !stopped(); round++) {
      socket.emit('signal', junk, () => {});
      if (round % 4 === 0) socket.emit('connection:report', { nope: round }, () => {});
      if (round % 5 === 0) socket.emit('admin:shutdown', { now: true });
      await pause(50);
    }
    socket.disconnect();
  });
};

/** Defect 4: tokenless `GET /ice` from the address valid users share, as fast as answered. */
export const unauthenticated: Attack = async (_url, port) =>
  loops(8, () => httpRequest(port, '/ice'));

/** Defect 10: 8,000 idle TCP connections from one address, held. */
export const connectionFlood: Attack = async (_url, port) => {
  await idleConnections(port, 8_000);
  return async () => destroyAttackSockets();
};
