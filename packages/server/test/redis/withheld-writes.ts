/**
 * Makes a primary's writes from now on miss its replicas, for sure: `CLIENT PAUSE WRITE` on a
 * replica holds the stream from its primary too (its primary's connection is a client like any
 * other), and once the primary is killed and the replica's link is down, what it held unapplied
 * is dropped. A replica promoted then lacks every write its primary acknowledged meanwhile, as
 * one that was merely behind would.
 */
import { expect } from 'vitest';
import {
  eventually,
  infoFields,
  redisCli,
  type RedisCluster,
  type RedisProcess,
} from '@icelane/testing';
import { primariesWatchDefaults } from '../../src/scale/cluster-primaries.js';
import { joined, nextEvent, request, type TestClient } from '../support/clients.js';
import { keys } from './in-process-nodes.js';

/** Longer than a failover and the checks after it; the pause is lifted as soon as it has served. */
const REPLICA_PAUSE_MS = 30_000;

/**
 * After the cluster is ok again, a node learns of the new primary at its next reading of the slot
 * map (every quarter second since it lost the old primary's connection), then writes its peers
 * and their departures again (a handful of commands): 2 s more for a loaded machine. Well below
 * the heartbeat (5 s), which is not what brings the peer back (nothing failed on its node).
 */
export const BACK_AFTER_FAILOVER_MS = primariesWatchDefaults.lostNodeRefreshMs + 2_000;

/** The primaries but the one of the heartbeats (a beat failing there would mark a write failed). */
export async function primariesBesideHeartbeats(cluster: RedisCluster): Promise<number[]> {
  const beats = await cluster.primaryOf(keys.nodes[0]);
  return (await cluster.topology())
    .filter((node) => node.primary && node.port !== beats)
    .map((node) => node.port);
}

/** The port of the replica of the Cluster primary at `shard` (a Cluster of one replica each). */
export async function replicaOf(shard: number): Promise<number> {
  const line = infoFields(await redisCli(shard, 'info', 'replication')).slave0 ?? '';
  return Number(/port=(\d+)/.exec(line)?.[1]);
}

/**
 * The `shard` primary killed with writes its replica lacks (`withheld`), and the replica promoted
 * in its place, the cluster ok again; resolves with the time of the kill.
 */
export async function failOverWithheld(
  cluster: RedisCluster,
  withheld: WithheldWrites,
  replica: number,
): Promise<number> {
  const killedAt = await withheld.killPrimary();
  // Right after a kill the cluster may still say ok: it is judged once the replica took over.
  await eventually(
    async () => infoFields(await redisCli(replica, 'info', 'replication')).role === 'master',
    'the replica promoted',
  );
  await cluster.healthy();
  return killedAt;
}

export interface WithheldWrites {
  /**
   * Kills the primary once it is sure that each replica lacks some of its writes, then lets the
   * replicas go (with their link down, so they drop what they held); resolves with the time of
   * the kill.
   */
  killPrimary(): Promise<number>;
}

export async function withholdFromReplicas(
  primary: RedisProcess,
  replicas: number[],
): Promise<WithheldWrites> {
  // The writes before (a peer that joined first) reach the replicas: only the later ones are lost.
  const caughtUp = await redisCli(primary.port, 'wait', String(replicas.length), '5000');
  expect(Number(caughtUp)).toBe(replicas.length);
  await Promise.all(
    replicas.map((port) => redisCli(port, 'client', 'pause', String(REPLICA_PAUSE_MS), 'write')),
  );
  const replication = async (port: number) =>
    infoFields(await redisCli(port, 'info', 'replication'));
  return {
    killPrimary: async () => {
      const written = Number((await replication(primary.port)).master_repl_offset);
      for (const port of replicas) {
        expect(Number((await replication(port)).slave_repl_offset)).toBeLessThan(written);
      }
      const killedAt = Date.now();
      await primary.kill();
      await eventually(async () => {
        const links = await Promise.all(replicas.map(replication));
        return links.every((info) => info.master_link_status === 'down');
      }, 'the replicas cut off from their killed primary');
      await Promise.all(replicas.map((port) => redisCli(port, 'client', 'unpause')));
      return killedAt;
    },
  };
}

/** The fields of a hash, sorted. */
export async function hashFields(port: number, key: string): Promise<string[]> {
  return (await redisCli(port, 'hkeys', key)).split('\n').filter(Boolean).sort();
}

/** How long a signal answered `unavailable` is sent again: a stalled link's probe, and a margin. */
const SIGNAL_AGAIN_WITHIN_MS = 3_000;

const isUnavailable = (answer: unknown) =>
  (answer as { error?: { code?: string } }).error?.code === 'unavailable';

/**
 * A newcomer joining `room` through the node at `url` is told of exactly `peerIds`, and its signal
 * reaches `target` (one of them); answers the newcomer's id.
 */
export async function expectToldOfAndReaching(
  url: string,
  room: string,
  peerIds: string[],
  target: { socket: TestClient; answer: { peerId: string } },
): Promise<string> {
  const newcomer = await joined(url, room);
  expect(newcomer.answer.peers.map((p) => p.peerId).sort()).toEqual([...peerIds].sort());
  const arrived = nextEvent(target.socket, 'signal');
  const offer = { type: 'offer', sdp: 'v=0\r\n' };
  const signal = () =>
    request(newcomer.socket, 'signal', { to: target.answer.peerId, attempt: 1, data: offer });
  // Just after a failover the node may still find a command of its own timing out, and then works
  // alone for a moment: it answers `unavailable`, to be sent again (never `unknown-peer`).
  let answer = await signal();
  const deadline = Date.now() + SIGNAL_AGAIN_WITHIN_MS;
  while (isUnavailable(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await signal();
  }
  expect(answer).toEqual({ data: { delivered: true } });
  await arrived;
  return newcomer.answer.peerId;
}
