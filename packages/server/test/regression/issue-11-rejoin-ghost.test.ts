/**
 * Issue 11, item 5: a rejoin leaves no ghost. After a signaling drop the server may not have
 * noticed the old connection yet; the client joins again with the resume token of its previous
 * join, and the server removes the previous id at once and tells the room which id replaced it
 * (`peer:left { rejoinedAs }`, then `peer:joined { rejoinOf }`). Nobody sees the stale id, and
 * the rejoining client never sees itself. Without a token (older clients) joins work as before.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import { silentLogger } from '../../src/observability/logger.js';
import { createRedisScaleOut } from '../../src/scale/scale-out.js';
import {
  connect,
  disconnectAll,
  joined,
  nextEvent,
  record,
  request,
  type TestClient,
} from '../support/clients.js';
import { closeAll, startTestServer } from '../support/server.js';
import { eventually, startRedis, type RedisServer } from '@icelane/testing';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

afterAll(async () => {
  await redis?.stop();
});

/** Two nodes on one Redis, once both say Redis is `ok`. */
async function twoNodes() {
  const nodes = await Promise.all(
    [0, 1].map(async () =>
      startTestServer({ deps: { scaleOut: await createRedisScaleOut(redis.url, silentLogger) } }),
    ),
  );
  const redisState = async (url: string) =>
    ((await (await fetch(`${url}/readyz`)).json()) as { redis?: { state?: string } }).redis?.state;
  await eventually(
    async () =>
      (await redisState(nodes[0]!.url)) === 'ok' && (await redisState(nodes[1]!.url)) === 'ok',
    'both nodes on Redis',
  );
  return nodes as [(typeof nodes)[0], (typeof nodes)[0]];
}

/** Joins again from a new socket while the old one stays connected: a drop not yet noticed. */
async function rejoin(url: string, room: string, resume: string | undefined) {
  const socket = await connect(url);
  const answer = await request<JoinAnswer>(socket, 'room:join', {
    room,
    ...(resume !== undefined && { resume }),
  });
  if (!('data' in answer)) throw new Error(`rejoin failed: ${JSON.stringify(answer)}`);
  return { socket, answer: answer.data };
}

/**
 * Alice and Bob in `room` on `url`; Bob's connection then ends and the server tells Alice a plain
 * `peer:left`. Alice's `peer:left` and `peer:joined` are recorded from before the drop.
 */
async function bobDropped(url: string, room: string) {
  const alice = await joined(url, room);
  const bob = await joined(url, room);
  const aliceLeft = record(alice.socket, 'peer:left');
  const aliceJoined = record(alice.socket, 'peer:joined');
  bob.socket.disconnect();
  await eventually(() => aliceLeft.length === 1, 'the plain peer:left');
  return { alice, bob, aliceLeft, aliceJoined };
}

const closed = (socket: TestClient) =>
  new Promise<void>((resolve) =>
    socket.disconnected ? resolve() : socket.once('disconnect', () => resolve()),
  );

/**
 * Bob, joined on `first`, rejoins on `second` with his token while his old socket stays up;
 * asserts what Alice hears, that the old socket is cut silently, and what a newcomer is told.
 */
async function expectReplaced(first: string, second: string, room: string) {
  const alice = await joined(first, room);
  const bob = await joined(first, room);
  expect(bob.answer.resumeToken).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const aliceLeft = record(alice.socket, 'peer:left');
  const aliceJoined = record(alice.socket, 'peer:joined');
  const oldClosed = closed(bob.socket);

  const back = await rejoin(second, room, bob.answer.resumeToken);
  // Only alice: neither the stale id nor itself.
  expect(back.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
  await eventually(() => aliceJoined.length === 1, 'peer:joined for the new id');
  expect(aliceLeft).toEqual([{ peerId: bob.answer.peerId, rejoinedAs: back.answer.peerId }]);
  expect(aliceJoined).toEqual([{ peerId: back.answer.peerId, rejoinOf: bob.answer.peerId }]);
  // The old connection is cut, and its end announces nothing more: the server handled that end
  // before the client saw it, so a round trip on alice's socket brings anything it sent her.
  await oldClosed;
  await request(alice.socket, 'signal', {
    to: 'no-such-peer',
    attempt: 1,
    data: { type: 'offer', sdp: 'v=0\r\n' },
  });
  expect(aliceLeft).toHaveLength(1);
  // A newcomer, or a peer that dropped too and missed that `peer:joined`, learns it from its answer.
  const carol = await joined(first, room);
  expect(carol.answer.peers).toEqual([
    { peerId: alice.answer.peerId },
    { peerId: back.answer.peerId, rejoinOf: bob.answer.peerId },
  ]);
  return { alice, back };
}

describe('issue 11: a rejoin with a resume token', () => {
  it('replaces the previous id at once, on one node', async () => {
    const server = await startTestServer();
    const { alice, back } = await expectReplaced(server.url, server.url, 'ghost');
    // The rejoined peer signals and is signaled under its new id.
    const arrived = nextEvent(back.socket, 'signal');
    await request(alice.socket, 'signal', {
      to: back.answer.peerId,
      attempt: 1,
      data: { type: 'offer', sdp: 'v=0\r\n' },
    });
    expect(await arrived).toMatchObject({ from: alice.answer.peerId });
  });

  it('ignores a spent, forged or other-room token: the join is a fresh one', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'spent');
    const bob = await joined(server.url, 'spent');
    const other = await joined(server.url, 'elsewhere');
    const token = bob.answer.resumeToken!;
    const back = await rejoin(server.url, 'spent', token);
    const aliceLeft = record(alice.socket, 'peer:left');

    const again = await rejoin(server.url, 'spent', token);
    const forged = await rejoin(server.url, 'spent', `${back.answer.peerId}.forged-secret`);
    const wrongRoom = await rejoin(server.url, 'spent', other.answer.resumeToken);
    expect(wrongRoom.answer.peers.map((p) => p.peerId)).toEqual([
      alice.answer.peerId,
      back.answer.peerId,
      again.answer.peerId,
      forged.answer.peerId,
    ]);
    expect(aliceLeft).toEqual([]);
    expect(back.socket.connected && other.socket.connected).toBe(true);
    // A malformed token is refused like any malformed field.
    const socket = await connect(server.url);
    expect(
      await request(socket, 'room:join', { room: 'spent', resume: 'x'.repeat(200) }),
    ).toMatchObject({
      error: { code: 'invalid-payload' },
    });
  });

  it('names the previous id after the server saw the old connection end, within the window', async () => {
    const server = await startTestServer();
    // Bob's client closes the connection itself (its probe took it for dead): the server notices.
    const { alice, bob, aliceLeft, aliceJoined } = await bobDropped(server.url, 'noticed');
    expect(aliceLeft).toEqual([{ peerId: bob.answer.peerId }]);

    const back = await rejoin(server.url, 'noticed', bob.answer.resumeToken);
    expect(back.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
    await eventually(() => aliceJoined.length === 1, 'peer:joined for the new id');
    expect(aliceJoined).toEqual([{ peerId: back.answer.peerId, rejoinOf: bob.answer.peerId }]);
    // Nothing more about the previous id: the room heard it leave already.
    expect(aliceLeft).toHaveLength(1);

    // The token is spent, and a peer that left with `room:leave` has nothing to resume.
    await request(back.socket, 'room:leave');
    back.socket.disconnect();
    const again = await rejoin(server.url, 'noticed', bob.answer.resumeToken);
    const afterLeave = await rejoin(server.url, 'noticed', back.answer.resumeToken);
    await eventually(() => aliceJoined.length === 3, 'both joins announced');
    expect(aliceJoined.slice(1)).toEqual([
      { peerId: again.answer.peerId },
      { peerId: afterLeave.answer.peerId },
    ]);
  });

  it('forgets a departed peer once the window has passed', async () => {
    const windowMs = 200;
    const server = await startTestServer({ options: { resumeWindowMs: windowMs } });
    const { bob, aliceJoined } = await bobDropped(server.url, 'late');
    await new Promise((resolve) => setTimeout(resolve, 2 * windowMs));
    const back = await rejoin(server.url, 'late', bob.answer.resumeToken);
    await eventually(() => aliceJoined.length === 1, 'peer:joined for the new id');
    expect(aliceJoined).toEqual([{ peerId: back.answer.peerId }]);
  });

  it('lets an older client without a token rejoin as before', async () => {
    const server = await startTestServer();
    const alice = await joined(server.url, 'old');
    const back = await rejoin(server.url, 'old', undefined);
    expect(back.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
  });

  it('removes a previous id held by another node, through Redis', async () => {
    const [one, two] = await twoNodes();
    await expectReplaced(one.url, two.url, 'across');
  }, 30_000);

  it('names the previous id through another node after the first saw the connection end', async () => {
    const [one, two] = await twoNodes();
    const { bob, aliceJoined } = await bobDropped(one.url, 'moved');
    // A forged token for the same id neither resumes nor spends the real one.
    const forged = await rejoin(two.url, 'moved', `${bob.answer.peerId}.forged-secret`);
    const back = await rejoin(two.url, 'moved', bob.answer.resumeToken);
    await eventually(() => aliceJoined.length === 2, 'both joins announced');
    expect(aliceJoined).toEqual([
      { peerId: forged.answer.peerId },
      { peerId: back.answer.peerId, rejoinOf: bob.answer.peerId },
    ]);
  }, 30_000);
});
