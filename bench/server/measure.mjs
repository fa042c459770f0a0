// The measurements. Each starts fresh server processes and load generators, and stops them when
// it ends, whatever happens.
import { performance } from 'node:perf_hooks';
import { URL, fileURLToPath } from 'node:url';
import { startChild } from './children.mjs';
import { median, summarize } from './latency.mjs';

const SERVER_CHILD = fileURLToPath(new URL('./server-child.mjs', import.meta.url));
const LOAD_CHILD = fileURLToPath(new URL('./load-child.mjs', import.meta.url));
const KINDS = ['bare', 'icelane'];

/**
 * A server of each kind with its own load generator, handed to `body`, all stopped after it. A
 * kind is `bare`, `icelane` (this checkout's build), or `{ kind: 'icelane', label, dist }` for
 * another build's `dist/index.js` (compare.mjs).
 */
export async function withRigs(kinds, cloudflare, body) {
  const rigs = [];
  try {
    for (const each of kinds) {
      const { kind, label = kind, dist = '' } = typeof each === 'string' ? { kind: each } : each;
      const server = await startChild(SERVER_CHILD, [kind, JSON.stringify(cloudflare), dist]);
      rigs.push({ kind, label, server, url: `http://127.0.0.1:${server.ready.port}` });
      rigs.at(-1).load = await startChild(LOAD_CHILD);
    }
    return await body(rigs);
  } finally {
    for (const { server, load } of rigs) {
      await load?.stop();
      await server.stop();
    }
  }
}

/** Shares of one core the server and its load generator used while `work` ran. */
export async function cpuDuring({ server, load }, work) {
  const before = await Promise.all([server.request('cpu'), load.request('cpu')]);
  const started = performance.now();
  const result = await work();
  const after = await Promise.all([server.request('cpu'), load.request('cpu')]);
  const elapsedUs = (performance.now() - started) * 1000;
  const usedUs = (i) => after[i].user - before[i].user + (after[i].system - before[i].system);
  const share = (i) => Math.round((usedUs(i) / elapsedUs) * 100) / 100;
  return {
    ...result,
    serverCpuShare: share(0),
    loadCpuShare: share(1),
    // CPU time is far less disturbed by other work on the machine than a rate is.
    serverCpuUsPerJoin: Math.round(usedUs(0) / result.joins),
  };
}

const perSocket = (memory, base, sockets) => ({
  heapBytes: Math.round((memory.heapUsed - base.heapUsed) / sockets),
  rssBytes: Math.round((memory.rss - base.rss) / sockets),
});

/** Paced rounds as one: their latencies pooled, and each round's p99 to show the spread. */
function mergePacedRounds(rounds) {
  const sum = (key) => rounds.reduce((total, round) => total + round[key], 0);
  return {
    joins: sum('joins'),
    ratePerSecond: rounds[0].ratePerSecond,
    starved: sum('starved'),
    withTurn: sum('withTurn'),
    latency: summarize(rounds.flatMap((round) => round.latenciesMs)),
    roundP99Ms: rounds.map((round) => round.latency.p99Ms),
  };
}

/**
 * `sockets` connected to a fresh bare server and a fresh icelane server, each with its own load
 * generator: memory idle and connected; after a warm-up (which also fills icelane's credential
 * cache), closed-loop throughput rounds and steady-rate latency rounds, taken in turns, bare then
 * icelane, so that other work on the machine disturbs both alike; memory with every socket in a
 * room.
 */
export function measureAt(sockets, cloudflare, o) {
  return withRigs(KINDS, cloudflare, async (rigs) => {
    const results = {};
    for (const rig of rigs) {
      const idle = await rig.server.request('memory');
      const { connectMs } = await rig.load.request('connect', { url: rig.url, count: sockets });
      const connected = await rig.server.request('memory');
      await rig.load.request('closedLoop', { concurrency: o.concurrency, joins: o.warmupJoins });
      results[rig.kind] = { kind: rig.kind, sockets, connectMs, idle, connected, rounds: [] };
    }
    for (let round = 0; round < o.throughputRounds; round++) {
      for (const rig of rigs) {
        results[rig.kind].rounds.push(
          await cpuDuring(rig, () =>
            rig.load.request('closedLoop', {
              concurrency: o.concurrency,
              joins: o.throughputJoins,
            }),
          ),
        );
      }
    }
    const paced = { bare: [], icelane: [] };
    for (let round = 0; round < o.pacedRounds; round++) {
      for (const rig of rigs) {
        paced[rig.kind].push(
          await rig.load.request('pacedLoop', {
            ratePerSecond: o.pacedRatePerSecond,
            joins: Math.ceil(o.pacedJoins / o.pacedRounds),
          }),
        );
      }
    }
    for (const rig of rigs) {
      const result = results[rig.kind];
      result.paced = mergePacedRounds(paced[rig.kind]);
      result.everyoneIn = await rig.load.request('joinAll');
      const joined = await rig.server.request('memory');
      await rig.load.request('leaveAll');
      const { rounds, idle, connected } = result;
      const medianJoinsPerSecond = median(rounds.map((r) => r.joinsPerSecond));
      result.throughput = rounds.find((r) => r.joinsPerSecond === medianJoinsPerSecond);
      result.memory = {
        idle,
        connected,
        joined,
        perSocketConnected: perSocket(connected, idle, sockets),
        perSocketJoined: perSocket(joined, idle, sockets),
      };
      delete result.idle;
      delete result.connected;
    }
    return [results.bare, results.icelane];
  });
}

/**
 * `joins` sockets connected to a fresh icelane server whose credential cache is empty, then all
 * joining at once: how many times did the server call the provider?
 */
export function measureColdJoins(joins, cloudflare, providerCalls) {
  return withRigs(['icelane'], cloudflare, async ([{ server, load, url }]) => {
    await load.request('connect', { url, count: joins });
    const before = providerCalls();
    const answers = await load.request('joinAll');
    return {
      joins,
      providerCalls: providerCalls() - before,
      serverCountedMints: await server.request('mints'),
      cacheLookups: await server.request('cacheLookups'),
      answers,
    };
  });
}
