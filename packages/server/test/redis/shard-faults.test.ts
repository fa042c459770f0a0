/**
 * One shard of a real Redis Cluster failing while the others answer, under nodes started in the
 * test's process (their roster's timings made short). A shard refuses writes as a primary without
 * its replicas does (`min-replicas-to-write`): the command fails at once and leaves nothing, as
 * one sent to a primary that dies in a failover does. A node's list of its peers and a room live
 * on different shards, so a peer can be written to its room while its node's list misses it, or
 * stay in its room after leaving: the node must still clear it, or every newcomer is told of a
 * peer that is not there. A shard that holds every command (`CLIENT PAUSE`, as one that hangs)
 * cannot say who is in a room: a signal for a peer there is answered `unavailable`, to be sent
 * again, never `unknown-peer`, which would say the peer is gone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, redisCli, startRedisCluster, type RedisCluster } from '@icelane/testing';
import type { IcelaneServerDeps } from '../../src/app.js';
import { randomId } from '../../src/clients/ids.js';
import {
  redisLinkDefaults,
  type RedisLinkOptions,
  type RedisRosterOptions,
} from '../../src/scale/redis-options.js';
import { joined, nextEvent, record, request } from '../support/clients.js';
import type { TestServer } from '../support/server.js';
import {
  clusterTarget,
  keys,
  nodeIdListedOn as listedOn,
  redisForFile,
  roomOn,
  startScaledNode,
} from './in-process-nodes.js';
import { CLAIM_HOLD_MS, joinAsShardHangs, joinGate } from './held-joins.js';
import { giveSlot } from './slot-moves.js';

/** A node writes its peers again (its resync) at its first heartbeat after a failed write. */
const HEARTBEAT_MS = 250;
const ROSTER: Partial<RedisRosterOptions> = { heartbeatMs: HEARTBEAT_MS, pauseGapMs: 1_000 };
/** The resync that clears a left peer comes a heartbeat after Redis takes writes; loaded, 40. */
const RESYNC_BOUND_MS = 40 * HEARTBEAT_MS;
/** A hang long enough for a lookup to time out, with four seconds to spare for a loaded machine. */
const HANG_MS = redisLinkDefaults.commandTimeoutMs + 4_000;
const offer = { type: 'offer', sdp: 'v=0\r\n' };
/**
 * A resync clears a peer it takes for gone with the commands queued behind the claim on the same
 * connection, and announces it once they are answered: a few heartbeats cover them.
 */
const RESYNC_TAIL_MS = 4 * HEARTBEAT_MS;
/** A command answered MOVED is sent to the new owner at once; a loaded machine may take a second. */
const LATE_ANSWER_MS = 1_000;

const sharedCluster = redisForFile(() => startRedisCluster({ replicas: 0 }));
let cluster: RedisCluster;
/** The primary holding the node's list of its peers, and another holding the rooms. */
let listShard: number;
let roomShard: number;
let node: TestServer;

let primaries: number[];

beforeAll(async () => {
  cluster = sharedCluster();
  primaries = (await cluster.topology()).filter((n) => n.primary).map((n) => n.port);
  [listShard, roomShard] = primaries as [number, number];
  node = await startNode(await nodeIdListedOn(listShard));
}, 60_000);

/** A fresh node id whose list of peers lives on the `shard` primary. */
function nodeIdListedOn(shard: number): Promise<string> {
  return listedOn(cluster, shard);
}

/** A primary that is none of `excluded`. */
function shardOtherThan(...excluded: number[]): number {
  const shard = primaries.find((port) => !excluded.includes(port));
  if (shard === undefined) throw new Error('no primary left to choose');
  return shard;
}

function startNode(
  nodeId: string,
  link: Partial<RedisLinkOptions> = {},
  deps: Partial<IcelaneServerDeps> = {},
): Promise<TestServer> {
  return startScaledNode(clusterTarget(cluster), { ...ROSTER, nodeId }, link, deps);
}

/** A fresh room whose peers live on the `shard` primary (`roomShard` by default). */
function roomOnRoomShard(shard = roomShard): Promise<string> {
  return roomOn(cluster, shard);
}

/** The shard refuses (or takes again) every write, answering an error at once. */
async function refuseWrites(port: number, refuse: boolean): Promise<void> {
  await redisCli(port, 'config', 'set', 'min-replicas-to-write', refuse ? '1' : '0');
}

async function storedPeerIds(room: string, shard = roomShard): Promise<string[]> {
  return (await redisCli(shard, 'hkeys', keys.room(room))).split('\n').filter(Boolean);
}

async function listedPeerIds(nodeId: string): Promise<string[]> {
  return (await redisCli(listShard, 'hkeys', keys.nodePeers(nodeId))).split('\n').filter(Boolean);
}

/** Once the node has cleared `peerId` from Redis, a newcomer is told of nobody in `room`. */
async function expectGoneFrom(room: string, peerId: string): Promise<void> {
  await eventually(
    async () => !(await storedPeerIds(room)).includes(peerId),
    'the left peer cleared from its room',
    RESYNC_BOUND_MS,
  );
  const newcomer = await joined(node.url, room);
  expect(newcomer.answer.peers).toEqual([]);
}

describe('a Cluster shard failing while the others answer', () => {
  it('clears a peer whose node could not list it, once it has left', async () => {
    const room = await roomOnRoomShard();
    // The join's claim goes through on the room's shard; its listing fails on the other.
    await refuseWrites(listShard, true);
    const carol = await joined(node.url, room);
    try {
      // Its leave cannot clear the room's entry either.
      await refuseWrites(roomShard, true);
      expect(await request(carol.socket, 'room:leave')).toEqual({ data: { left: true } });
    } finally {
      await refuseWrites(listShard, false);
      await refuseWrites(roomShard, false);
    }

    await expectGoneFrom(room, carol.answer.peerId);
  }, 30_000);

  it('clears a listed peer whose leave could not remove it from its room', async () => {
    const room = await roomOnRoomShard();
    const carol = await joined(node.url, room);
    await refuseWrites(roomShard, true);
    try {
      expect(await request(carol.socket, 'room:leave')).toEqual({ data: { left: true } });
    } finally {
      await refuseWrites(roomShard, false);
    }

    await expectGoneFrom(room, carol.answer.peerId);
  }, 30_000);

  it('answers a signal for a peer of a room it cannot look up unavailable, not unknown-peer', async () => {
    const other = await startNode(randomId());
    const room = await roomOnRoomShard();
    const alice = await joined(node.url, room);
    const bob = await joined(other.url, room);
    const signal = () =>
      request(alice.socket, 'signal', { to: bob.answer.peerId, attempt: 1, data: offer });
    const arrived = nextEvent(bob.socket, 'signal');
    expect(await signal()).toEqual({ data: { delivered: true } });
    await arrived;

    await redisCli(roomShard, 'client', 'pause', String(HANG_MS), 'all');
    const rating = { rating: 'good', causes: [] };
    const [signalled, rated] = await Promise.all([
      signal(),
      request(alice.socket, 'connection:quality', {
        peerId: bob.answer.peerId,
        receiving: rating,
        sending: rating,
        final: false,
      }),
    ]);
    expect(signalled).toMatchObject({ error: { code: 'unavailable' } });
    expect(rated).toMatchObject({ error: { code: 'unavailable' } });

    // Sent again once the shard answers, it goes through.
    await eventually(async () => 'data' in (await signal()), 'a signal delivered again');
  }, 30_000);
});

describe('a resync while a join waits for its claim', () => {
  it('neither clears nor announces gone the peer being admitted', async () => {
    // Bob's join is held after its room count, until his room's shard holds every write: his
    // claim then waits there while his list entry is written, and the node writes its peers
    // again meanwhile. The claim must not time out before the shard is let go.
    const gate = joinGate();
    const nodeId = await nodeIdListedOn(listShard);
    const slow = await startNode(nodeId, { commandTimeoutMs: CLAIM_HOLD_MS }, gate.deps);
    const heldShard = shardOtherThan(listShard, await cluster.primaryOf(keys.nodes[0]));
    const room = await roomOnRoomShard(heldShard);
    const alice = await joined(slow.url, room);
    const left = record<{ peerId: string }>(alice.socket, 'peer:left');

    const { joining: bobJoined } = await joinAsShardHangs(gate, slow.url, room, heldShard);
    try {
      await eventually(async () => (await listedPeerIds(nodeId)).length === 2, 'bob listed');
      // A listing that fails makes the node write its peers again (a resync) at its next beat.
      const elsewhere = await roomOnRoomShard(shardOtherThan(heldShard, listShard));
      await refuseWrites(listShard, true);
      const carol = await joined(slow.url, elsewhere).finally(() => refuseWrites(listShard, false));
      // The resync lists carol again, then clears the peers it found to have left.
      await eventually(
        async () => (await listedPeerIds(nodeId)).includes(carol.answer.peerId),
        'carol listed by the resync',
      );
    } finally {
      await redisCli(heldShard, 'client', 'unpause');
    }
    const bob = await bobJoined;

    await new Promise((resolve) => setTimeout(resolve, RESYNC_TAIL_MS));
    expect(left).toEqual([]);
    expect(await storedPeerIds(room, heldShard)).toContain(bob.answer.peerId);
    expect(await listedPeerIds(nodeId)).toContain(bob.answer.peerId);
  }, 30_000);
});

describe('a claim that timed out on a shard that hung while its slot moved', () => {
  it('is not written to the slot’s new owner once the hung shard answers MOVED', async () => {
    // Bob's join is held after its room count, until his room's shard holds every write.
    const gate = joinGate();
    const nodeId = await nodeIdListedOn(listShard);
    const gated = await startNode(nodeId, {}, gate.deps);
    const hungShard = shardOtherThan(listShard, await cluster.primaryOf(keys.nodes[0]));
    const newOwner = shardOtherThan(hungShard);
    const room = await roomOnRoomShard(hungShard);
    const slot = (await redisCli(hungShard, 'cluster', 'keyslot', keys.room(room))).trim();

    const { joining: bobJoined } = await joinAsShardHangs(gate, gated.url, room, hungShard);
    try {
      // His claim times out: the node admits him alone.
      const bob = (await bobJoined).answer.peerId;
      // The slot moves to another primary (as in a failover) while the hung shard holds the claim.
      await giveSlot(newOwner, slot);
      // The node writes bob to the new owner once it has learnt of it; then bob leaves.
      await eventually(
        async () => (await storedPeerIds(room, newOwner)).includes(bob),
        'bob written to the new owner',
      );
      const socket = (await bobJoined).socket;
      expect(await request(socket, 'room:leave')).toEqual({ data: { left: true } });
      await eventually(
        async () =>
          !(await storedPeerIds(room, newOwner)).includes(bob) &&
          !(await listedPeerIds(nodeId)).includes(bob),
        'bob cleared from his room and the node’s list',
        RESYNC_BOUND_MS,
      );
    } finally {
      await redisCli(hungShard, 'client', 'unpause');
    }

    // The hung shard now answers MOVED to the claim and to the writes queued behind it.
    await new Promise((resolve) => setTimeout(resolve, LATE_ANSWER_MS));
    expect(await storedPeerIds(room, newOwner)).toEqual([]);
  }, 40_000);
});
