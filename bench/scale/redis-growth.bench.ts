/**
 * How the Redis traffic grows with the number of icelane nodes: for 2, 4 and 8 nodes on one
 * Redis Cluster (3 primaries, 3 replicas, real `redis-server` processes), with the classic and the
 * sharded socket.io adapter, the Redis commands, bytes (data ports, replication included) and
 * cluster-bus messages per signal and per join (with its leave). Background traffic (heartbeats,
 * slot refreshes) is measured idle over the same length of time and taken off.
 *
 *   pnpm run bench:scale
 *   BENCH_SCALE_NODES=2,4,8 BENCH_SCALE_SIGNALS=2000 BENCH_SCALE_JOINS=400
 *   BENCH_SCALE_RESULTS=path   write the figures there instead of bench/results/scale.json
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, it } from 'vitest';
import {
  redisUpOn,
  startRedisCluster,
  startServerProcess,
  type RedisCluster,
  type ServerProcess,
} from '@icelane/testing';
import {
  connect,
  disconnectAll,
  joined,
  request,
} from '../../packages/server/test/support/clients.js';
import { STATIC_TURN_ENV } from '../../packages/server/test/redis/static-turn-env.js';
import {
  difference,
  readCounters,
  scaled,
  totalCalls,
  type RedisCounters,
} from './redis-counters.js';

const NODE_COUNTS = (process.env.BENCH_SCALE_NODES ?? '2,4,8').split(',').map(Number);
const SIGNALS = Number(process.env.BENCH_SCALE_SIGNALS ?? 2_000);
const JOINS = Number(process.env.BENCH_SCALE_JOINS ?? 400);
const RESULTS = process.env.BENCH_SCALE_RESULTS ?? 'bench/results/scale.json';
const ADAPTERS = ['classic', 'sharded'] as const;
type Joined = Awaited<ReturnType<typeof joined>>;
const UNLIMITED = '1000000/1000000';
const NO_LIMITS = {
  ICELANE_MAX_CONNECTIONS_PER_ADDRESS: '100000',
  ICELANE_RATE_SIGNAL: UNLIMITED,
  ICELANE_RATE_JOIN: UNLIMITED,
  ICELANE_RATE_JOIN_PER_IP: UNLIMITED,
  ICELANE_RATE_REFUSED_PER_IP: UNLIMITED,
  ICELANE_RATE_MESSAGES: UNLIMITED,
};
/** Pairs of peers signalling each other, each on two different nodes. */
const PAIRS = 16;

interface Row {
  nodes: number;
  adapter: (typeof ADAPTERS)[number];
  perSignal: {
    commands: number;
    bytes: number;
    busMessages: number;
    calls: Record<string, number>;
  };
  perJoin: { commands: number; bytes: number; busMessages: number; calls: Record<string, number> };
}

let cluster: RedisCluster;
const rows: Row[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
});

afterAll(async () => {
  disconnectAll();
  await cluster?.stop();
});

/** Counters over `run`, less the idle counters over as long. */
async function measure(run: () => Promise<void>): Promise<RedisCounters> {
  const before = await readCounters(cluster);
  const started = Date.now();
  await run();
  const ms = Date.now() - started;
  const after = await readCounters(cluster);
  const idleBefore = await readCounters(cluster);
  await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10_000)));
  const idle = difference(await readCounters(cluster), idleBefore);
  return difference(after, before, scaled(idle, ms / Math.min(ms, 10_000)));
}

function per(counters: RedisCounters, count: number): Row['perSignal'] {
  const round = (value: number) => Math.round((value / count) * 100) / 100;
  return {
    commands: round(totalCalls(counters)),
    bytes: Math.round(counters.bytes / count),
    busMessages: round(counters.busMessages),
    calls: Object.fromEntries(
      Object.entries(counters.calls)
        .map(([name, calls]) => [name, round(calls)] as const)
        .filter(([, value]) => value >= 0.05),
    ),
  };
}

async function run(count: number, adapter: Row['adapter']): Promise<Row> {
  const env = {
    ...STATIC_TURN_ENV,
    REDIS_CLUSTER_NODES: cluster.nodeList,
    REDIS_ADAPTER: adapter,
    HOST: '127.0.0.1',
    ICELANE_LOG_LEVEL: 'info',
    // Every client comes from 127.0.0.1: the per-address and per-socket limits would refuse
    // most of the bench's joins and signals.
    ...NO_LIMITS,
  };
  const nodes: ServerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) nodes.push(await startServerProcess({ env }));
    await redisUpOn(...nodes);
    const tag = `${adapter}-${count}-${Date.now().toString(36)}`;
    const pairs: Array<{ alice: Joined; bob: Joined }> = [];
    for (let i = 0; i < PAIRS; i++) {
      const room = `${tag}-${i}`;
      const alice = await joined(nodes[i % count]!.url, room);
      const bob = await joined(nodes[(i + 1) % count]!.url, room);
      pairs.push({ alice, bob });
    }
    const data = { type: 'offer', sdp: `v=0\r\n${'a=x\r\n'.repeat(100)}` };
    const signals = await measure(async () => {
      let arrived = 0;
      const all = new Promise<void>((resolve) => {
        for (const { bob } of pairs) {
          bob.socket.on('signal', () => {
            if (++arrived === SIGNALS) resolve();
          });
        }
      });
      for (let i = 0; i < SIGNALS; i += PAIRS) {
        await Promise.all(
          pairs.map(({ alice, bob }) =>
            request(alice.socket, 'signal', { to: bob.answer.peerId, attempt: 1, data }),
          ),
        );
      }
      await all;
    });
    const joins = await measure(async () => {
      for (let i = 0; i < JOINS; i += PAIRS) {
        await Promise.all(
          pairs.map(async (_, p) => {
            const socket = await connect(nodes[(i + p) % count]!.url);
            const answer = await request(socket, 'room:join', { room: `${tag}-${p}` });
            if (!('data' in answer)) throw new Error(`join refused: ${JSON.stringify(answer)}`);
            await request(socket, 'room:leave');
            socket.disconnect();
          }),
        );
      }
    });
    return { nodes: count, adapter, perSignal: per(signals, SIGNALS), perJoin: per(joins, JOINS) };
  } finally {
    disconnectAll();
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

it('measures Redis traffic per signal and per join as nodes are added', async () => {
  for (const count of NODE_COUNTS) {
    for (const adapter of ADAPTERS) {
      const row = await run(count, adapter);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  const line = (r: Row) =>
    `| ${r.nodes} | ${r.adapter} | ${r.perSignal.commands} | ${r.perSignal.bytes} | ` +
    `${r.perSignal.busMessages} | ${r.perJoin.commands} | ${r.perJoin.bytes} | ` +
    `${r.perJoin.busMessages} |`;
  console.log(
    [
      '| nodes | adapter | commands / signal | bytes / signal | bus msgs / signal | commands / join | bytes / join | bus msgs / join |',
      '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(line),
    ].join('\n'),
  );
  await writeFile(
    RESULTS,
    JSON.stringify({ signals: SIGNALS, joins: JOINS, rows }, null, 2) + '\n',
  );
});
