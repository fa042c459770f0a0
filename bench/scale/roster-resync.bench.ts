/**
 * A node's resync of many peers (the write-again after a failover or an outage) on a real Redis
 * Cluster (3 primaries, 3 replicas): how long it takes, and how long a join's Redis round trip
 * waits meanwhile, both on the resyncing node's own connection (its joins queue behind the
 * resync's commands) and on another node's. Each round starts the node's roster liveness afresh,
 * whose first resync writes every peer of the node again, as after a failover.
 *
 *   pnpm exec vitest run --config bench/scale/vitest.config.ts roster-resync
 *   BENCH_RESYNC_PEERS=5000 BENCH_RESYNC_ROUNDS=5
 *
 * It runs the server's source (no build); `pnpm run bench:scale` runs it after the growth bench.
 * It measures and prints, and never fails on a figure.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '@icelane/testing';
import { silentLogger } from '../../packages/server/src/observability/logger.js';
import { connectRedis, type RedisLink } from '../../packages/server/src/scale/redis-link.js';
import { redisRosterDefaults } from '../../packages/server/src/scale/redis-options.js';
import { rosterKeys } from '../../packages/server/src/scale/roster-keys.js';
import { rosterLiveness } from '../../packages/server/src/scale/roster-liveness.js';
import { RoomRegistry } from '../../packages/server/src/signaling/rooms.js';
import { clusterTarget } from '../../packages/server/test/redis/in-process-nodes.js';
import { summarize } from '../lib/stats.js';

const PEERS = Number(process.env.BENCH_RESYNC_PEERS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_RESYNC_ROUNDS ?? 5);
/** Peers per room: a few, as in calls. */
const ROOM_SIZE = 4;
/** The probe's rooms, one per shard or so, apart from the resync's. */
const PROBE_ROOMS = 16;

let cluster: RedisCluster;
const links: RedisLink[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
});

afterAll(async () => {
  await Promise.all(links.map((link) => link.close()));
  await cluster?.stop();
});

async function linkUp(): Promise<RedisLink> {
  const link = await connectRedis(clusterTarget(cluster), silentLogger, {});
  links.push(link);
  await new Promise<void>((resolve) => link.onReady(resolve));
  return link;
}

/** Round trips of a join-sized write (one HSET on a room) back to back until `done` settles. */
async function probe(link: RedisLink, done: Promise<unknown>): Promise<number[]> {
  const waits: number[] = [];
  let over = false;
  void done.finally(() => {
    over = true;
  });
  for (let i = 0; !over; i++) {
    const started = performance.now();
    await link.commands.hset(`bench:probe:{p${i % PROBE_ROOMS}}`, 'peer', 'x'.repeat(200));
    waits.push(performance.now() - started);
  }
  return waits;
}

/**
 * Another node's joins, from a process of their own (the resyncing node's event loop is busy
 * too): the probe's round trips from `start` until `stop`.
 */
const OTHER_NODE_PROBE = `
import { Cluster } from 'ioredis';
const cluster = new Cluster(JSON.parse(process.argv[1]));
await new Promise((resolve) => cluster.once('ready', resolve));
const waits = [];
let probing = false;
process.stdin.on('data', async (line) => {
  if (!String(line).startsWith('start')) {
    probing = false;
    return;
  }
  probing = true;
  for (let i = 0; probing; i++) {
    const started = performance.now();
    await cluster.hset('bench:probe:{o' + (i % PROBE_ROOMS) + '}', 'peer', 'x'.repeat(200));
    waits.push(performance.now() - started);
  }
  process.stdout.write(JSON.stringify(waits.splice(0)) + '\\n');
});
process.stdout.write('ready\\n');
`.replace('PROBE_ROOMS', String(PROBE_ROOMS));

async function otherNode() {
  const nodes = cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', OTHER_NODE_PROBE, JSON.stringify(nodes)],
    { cwd: 'packages/server', stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  await once(lines, 'line');
  return {
    during: async (done: Promise<unknown>) => {
      const answer = once(lines, 'line');
      child.stdin.write('start\n');
      await done;
      child.stdin.write('stop\n');
      return JSON.parse(String((await answer)[0])) as number[];
    },
    close: () => child.kill(),
  };
}

function summary(waits: number[]): string {
  const s = summarize(waits);
  if (!s) return 'no probe';
  return `median ${s.medianMs} ms, p95 ${s.p95Ms.toFixed(1)} ms, max ${s.maxMs.toFixed(1)} ms (${s.n})`;
}

it(`resyncs ${PEERS} peers`, async () => {
  const own = await linkUp();
  const other = await otherNode();
  const registry = new RoomRegistry();
  for (let i = 0; i < PEERS; i++) {
    const peerId = `p${i.toString(36)}-${Date.now().toString(36)}`;
    const room = `bench-resync-${Math.floor(i / ROOM_SIZE)}`;
    registry.add({
      peerId,
      room,
      socketId: `s-${peerId}`,
      sessionId: peerId,
      resumeProof: 'x'.repeat(43),
    });
  }
  const keys = rosterKeys('bench:');
  const options = { ...redisRosterDefaults, keyPrefix: 'bench:', nodeId: 'bench-node' };
  const idle = await probe(own, new Promise((resolve) => setTimeout(resolve, 1_000)));
  console.log(`idle: ${summary(idle)}`);
  for (let round = 0; round < ROUNDS; round++) {
    let resync: Promise<number> | undefined;
    const first = new Promise<void>((resolve) => {
      const liveness = rosterLiveness({
        link: own,
        registry,
        onGone: () => {},
        keys,
        options,
        // The first work handed over is the resync at start (onReady is already true).
        track: (work) => {
          if (resync) return;
          const started = performance.now();
          resync = work.then(() => performance.now() - started);
          void resync.finally(() => liveness.stop());
          resolve();
        },
      });
    });
    await first;
    const done = resync!;
    const [ms, ownWaits, otherWaits] = await Promise.all([
      done,
      probe(own, done),
      other.during(done),
    ]);
    console.log(
      `round ${round + 1}: ${PEERS} peers resynced in ${ms.toFixed(0)} ms; ` +
        `the node's own join round trip ${summary(ownWaits)}; another node's ${summary(otherWaits)}`,
    );
  }
  other.close();
});
