/**
 * Two `icelane-server` processes on one real Redis: a room spans the nodes. Peers joined on
 * different nodes are listed and announced to each other, signal each other, hear each other
 * leave, and share one room cap; rooms stay apart; a node that dies has its peers cleared, and a
 * signal for one of them before that is answered `unavailable`, not `delivered`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  logged,
  readyz,
  redisCli,
  redisUpOn,
  startRedisNodes,
  type RedisNodes,
  type ServerProcess,
} from '@icelane/testing';
import { connect, disconnectAll, joined, nextEvent, record, request } from '../support/clients.js';
import { STATIC_TURN_ENV } from './static-turn-env.js';
import { redisRosterDefaults } from '../../src/scale/redis-options.js';

const CAP = 3;
const offer = { type: 'offer', sdp: 'v=0\r\n' };
let cluster: RedisNodes;
let one: ServerProcess;
let two: ServerProcess;

beforeAll(async () => {
  cluster = await startRedisNodes({
    env: { ...STATIC_TURN_ENV, ICELANE_ROOM_PEER_CAP: String(CAP) },
  });
  [one, two] = cluster.nodes as [ServerProcess, ServerProcess];
}, 180_000);

afterAll(async () => {
  disconnectAll();
  await cluster?.stop();
});

describe('a room across two nodes', () => {
  it('lists and announces peers joined on the other node, and relays their signals both ways', async () => {
    const alice = await joined(one.url, 'across');
    const announced = nextEvent<{ peerId: string; name?: string }>(alice.socket, 'peer:joined');
    const bob = await joined(two.url, 'across', { name: 'Bob' });

    expect(bob.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
    expect(await announced).toEqual({ peerId: bob.answer.peerId, name: 'Bob' });
    expect(bob.answer.ice.turn).toBe(true);

    const toBob = nextEvent(bob.socket, 'signal');
    expect(
      await request(alice.socket, 'signal', { to: bob.answer.peerId, attempt: 1, data: offer }),
    ).toEqual({ data: { delivered: true } });
    expect(await toBob).toEqual({ from: alice.answer.peerId, attempt: 1, data: offer });

    const answer = { type: 'answer', sdp: 'v=0\r\n' };
    const toAlice = nextEvent(alice.socket, 'signal');
    expect(
      await request(bob.socket, 'signal', { to: alice.answer.peerId, attempt: 1, data: answer }),
    ).toEqual({ data: { delivered: true } });
    expect(await toAlice).toEqual({ from: bob.answer.peerId, attempt: 1, data: answer });
  });

  it('tells the other node when a peer leaves or disconnects', async () => {
    const alice = await joined(one.url, 'leaving');
    const bob = await joined(two.url, 'leaving');
    const carol = await joined(two.url, 'leaving');

    const bobLeft = nextEvent(alice.socket, 'peer:left');
    expect(await request(bob.socket, 'room:leave')).toEqual({ data: { left: true } });
    expect(await bobLeft).toEqual({ peerId: bob.answer.peerId });

    const carolLeft = nextEvent(alice.socket, 'peer:left');
    carol.socket.disconnect();
    expect(await carolLeft).toEqual({ peerId: carol.answer.peerId });

    // Gone from the shared roster too: a newcomer on the other node hears only of Alice.
    const dave = await joined(two.url, 'leaving');
    expect(dave.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
  });

  it('keeps rooms apart: a peer of another room on the other node is unknown and receives nothing', async () => {
    const alice = await joined(one.url, 'room-a');
    const mallory = await joined(two.url, 'room-b');
    const aliceSignals = record(alice.socket, 'signal');
    expect(
      await request(mallory.socket, 'signal', { to: alice.answer.peerId, attempt: 1, data: offer }),
    ).toEqual({ error: { code: 'unknown-peer', message: 'no such peer in this room' } });
    expect(mallory.answer.peers).toEqual([]);
    // A signal that did go through afterwards shows nothing else was on its way.
    const bob = await joined(two.url, 'room-a');
    const fromBob = nextEvent(alice.socket, 'signal');
    await request(bob.socket, 'signal', { to: alice.answer.peerId, attempt: 1, data: offer });
    await fromBob;
    expect(aliceSignals.map((signal) => (signal as { from: string }).from)).toEqual([
      bob.answer.peerId,
    ]);
  });

  it('applies one room cap across nodes, even to concurrent joins on both', async () => {
    const sockets = await Promise.all(
      Array.from({ length: 10 }, (_, i) => connect(i % 2 === 0 ? one.url : two.url)),
    );
    const answers = await Promise.all(
      sockets.map((socket) => request(socket, 'room:join', { room: 'capped' })),
    );
    const admitted = answers.filter((answer) => 'data' in answer);
    const refused = answers.filter((answer) => 'error' in answer);
    expect(admitted).toHaveLength(CAP);
    expect(refused).toHaveLength(10 - CAP);
    for (const answer of refused) expect(answer).toMatchObject({ error: { code: 'room-full' } });
  });

  it('tells only its own clients when a node shuts down, and their rooms at once', async () => {
    const three = await cluster.startNode(STATIC_TURN_ENV);
    await redisUpOn(three);
    const alice = await joined(one.url, 'shutdown');
    const carol = await joined(three.url, 'shutdown');
    const aliceHears = record(alice.socket, 'server:shutdown');
    const carolHears = nextEvent(carol.socket, 'server:shutdown');
    const left = nextEvent(alice.socket, 'peer:left', 10_000);

    await cluster.stopNode(three);
    expect(await carolHears).toMatchObject({ reconnectAfterMs: expect.any(Number) });
    // Well before the node's liveness would have run out: it said goodbye itself.
    expect(await left).toEqual({ peerId: carol.answer.peerId });
    expect(aliceHears).toEqual([]);
    expect(alice.socket.connected).toBe(true);
    const bob = await joined(two.url, 'shutdown');
    expect(bob.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
  });

  it('clears the peers of a node that died, tells their rooms, and frees their places', async () => {
    const three = await cluster.startNode({
      ...STATIC_TURN_ENV,
      ICELANE_ROOM_PEER_CAP: String(CAP),
    });
    await redisUpOn(three);
    const alice = await joined(one.url, 'crash');
    const doomed = await joined(three.url, 'crash');
    const bob = await joined(two.url, 'crash');
    const full = await connect(two.url);
    expect(await request(full, 'room:join', { room: 'crash' })).toMatchObject({
      error: { code: 'room-full' },
    });

    // A crash, not a shutdown: nothing of the node gets to say goodbye.
    const left = nextEvent(alice.socket, 'peer:left', 40_000);
    process.kill(three.pid, 'SIGKILL');
    await three.exited;
    // Until the others find it dead its peers are still listed, and a signal for one of them, which
    // no node can take, is answered so instead of `delivered`.
    const signal = { to: doomed.answer.peerId, attempt: 1, data: offer };
    expect(await request(alice.socket, 'signal', signal)).toMatchObject({
      error: { code: 'unavailable' },
    });
    expect(await left).toEqual({ peerId: doomed.answer.peerId });
    expect(await request(full, 'room:join', { room: 'crash' })).toMatchObject({
      data: { peers: [{ peerId: alice.answer.peerId }, { peerId: bob.answer.peerId }] },
    });
    expect((await readyz(one)).body.redis.state).toBe('ok');
  }, 60_000);

  it('warns once when nodes of the earlier key layout still run on the same Redis', async () => {
    // An earlier node's heartbeat: its Redis time in ms in the `beats` hash; one beat is fresh,
    // one is older than the liveness period (a node long gone).
    const port = String(cluster.redis.port);
    const [seconds, micros] = (await redisCli(Number(port), 'time')).split('\n').map(Number);
    const now = seconds! * 1000 + Math.floor(micros! / 1000);
    const stale = now - 2 * redisRosterDefaults.livenessMs;
    await redisCli(
      Number(port),
      'hset',
      'icelane:beats',
      'old-live',
      String(now),
      'old-gone',
      String(stale),
    );
    try {
      const three = await cluster.startNode({ ...STATIC_TURN_ENV });
      const warning = 'redis shared with nodes of an earlier icelane version';
      await eventually(() => logged(three, warning).length > 0, 'the warning', 10_000);
      expect(logged(three, warning)).toEqual([
        expect.objectContaining({ level: 'warn', nodes: 1 }),
      ]);
    } finally {
      await redisCli(Number(port), 'del', 'icelane:beats');
    }
  }, 30_000);
});
