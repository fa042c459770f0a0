/**
 * Issue 14, defect 5: after Redis paused for about 15 s or more, the first node back declared
 * the other node's live peers gone (a 20 s pause announced `peer:left` for all 20 peers of one
 * node). Liveness is now judged in Redis time over the time Redis was reachable, so a paused
 * Redis is not taken for a dead node; a node that really dies still has its peers cleared.
 *
 * Two CLI nodes on a real `redis-server` frozen by SIGSTOP, with the default liveness settings.
 * It takes about 90 s, so it runs with the soak tests (`pnpm run test:soak`); the suite keeps the
 * script-level test of the same rule (issue-14-redis-liveness.test.ts, which fails on the old
 * scripts where this one did not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  readyz,
  redisUpOn,
  startRedisNodes,
  type RedisNodes,
  type RedisServer,
  type ServerProcess,
} from '@icelane/testing';
import { disconnectAll, joined, record, request, type TestClient } from '../support/clients.js';
import { STATIC_TURN_ENV } from '../redis/static-turn-env.js';

const ROOMS = 4;
/** Peers of each room on the node that stays alive / on the node that dies in the end. */
const ON_ONE = 1;
const ON_TWO = 4;
const PAUSE_MS = 20_000;
/** The default liveness (15 s) and two heartbeats (5 s each), with room to spare. */
const AFTER_RESUME_MS = 27_000;

let cluster: RedisNodes;
let redis: RedisServer;
let one: ServerProcess;
let two: ServerProcess;

beforeAll(async () => {
  cluster = await startRedisNodes({ env: STATIC_TURN_ENV });
  ({ redis } = cluster);
  [one, two] = cluster.nodes as [ServerProcess, ServerProcess];
}, 180_000);

afterAll(async () => {
  disconnectAll();
  await cluster?.stop();
});

interface Member {
  socket: TestClient;
  peerId: string;
  room: string;
  left: Array<{ peerId: string }>;
}

async function member(node: ServerProcess, room: string): Promise<Member> {
  const { socket, answer } = await joined(node.url, room);
  return { socket, peerId: answer.peerId, room, left: record(socket, 'peer:left') };
}

describe('issue 14: a Redis pause is not a dead node', () => {
  it('announces no live peer gone after a 20 s pause, and still clears a node that is killed', async () => {
    const members: Member[] = [];
    for (let r = 0; r < ROOMS; r++) {
      for (let i = 0; i < ON_ONE; i++) members.push(await member(one, `pause-${r}`));
      for (let i = 0; i < ON_TWO; i++) members.push(await member(two, `pause-${r}`));
    }

    redis.pause();
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    redis.resume();
    await redisUpOn(one, two);
    await new Promise((resolve) => setTimeout(resolve, AFTER_RESUME_MS));

    expect(members.flatMap((m) => m.left)).toEqual([]);
    for (const m of members) expect(m.socket.connected).toBe(true);
    // Every room still spans both nodes: a newcomer is told of all of its peers.
    const newcomer = await joined(one.url, 'pause-0');
    expect(newcomer.answer.peers.map((p) => p.peerId).sort()).toEqual(
      members
        .filter((m) => m.room === 'pause-0')
        .map((m) => m.peerId)
        .sort(),
    );
    expect(await request(newcomer.socket, 'room:leave')).toEqual({ data: { left: true } });

    // A crash, not a shutdown: node two's peers are cleared and their rooms told.
    for (const m of members) m.left.length = 0;
    process.kill(two.pid, 'SIGKILL');
    await two.exited;
    const onOne = members.filter((_, i) => i % (ON_ONE + ON_TWO) < ON_ONE);
    const goneFrom = (m: Member) =>
      members
        .filter((o) => o.room === m.room && !onOne.includes(o))
        .map((o) => o.peerId)
        .sort();
    await eventually(
      () => onOne.every((m) => m.left.length >= ON_TWO),
      'peers of the killed node announced gone',
      45_000,
    );
    for (const m of onOne) expect(m.left.map((l) => l.peerId).sort()).toEqual(goneFrom(m));
    expect((await readyz(one)).body.redis.state).toBe('ok');
  }, 180_000);
});
