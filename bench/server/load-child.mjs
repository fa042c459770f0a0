// The load generator, in its own process: N socket.io-client sockets over the websocket
// transport, each joining its own room, leaving and joining again. It times every join from the
// emit to its acknowledgement and checks that every join was accepted.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';
import { serveRequests } from './children.mjs';
import { summarize } from './latency.mjs';

const requireFromServer = createRequire(
  new URL('../../packages/server/package.json', import.meta.url),
);
const { io } = requireFromServer('socket.io-client');

/** An answer slower than this is a failure, not a latency. */
const ANSWER_TIMEOUT_MS = 30_000;
/** Sockets connecting at once. */
const CONNECT_BATCH = 100;

const sockets = [];
const roomOf = (index) => `bench-${index}`;

async function connect({ url, count }) {
  const started = performance.now();
  for (let first = 0; first < count; first += CONNECT_BATCH) {
    const batch = [];
    for (let i = first; i < Math.min(count, first + CONNECT_BATCH); i++) {
      const socket = io(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: ANSWER_TIMEOUT_MS,
      });
      sockets.push(socket);
      batch.push(
        new Promise((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        }),
      );
    }
    await Promise.all(batch);
  }
  return { sockets: sockets.length, connectMs: Math.round(performance.now() - started) };
}

/** Joins `index`'s room; returns the answer's latency, or throws with the refusal. */
async function join(index, outcome) {
  const started = performance.now();
  const answer = await sockets[index]
    .timeout(ANSWER_TIMEOUT_MS)
    .emitWithAck('room:join', { room: roomOf(index) });
  const latencyMs = performance.now() - started;
  if (!answer || 'error' in answer) {
    throw new Error(`join refused: ${JSON.stringify(answer?.error ?? answer)}`);
  }
  if (answer.data?.ice?.turn) outcome.withTurn += 1;
  return latencyMs;
}

async function leave(index) {
  const answer = await sockets[index].timeout(ANSWER_TIMEOUT_MS).emitWithAck('room:leave');
  if (!answer || 'error' in answer) throw new Error(`leave refused: ${JSON.stringify(answer)}`);
}

/**
 * `concurrency` workers, each cycling through its own sockets (join, leave, next socket) until
 * `joins` joins are answered: as fast as the server answers (a closed loop).
 */
async function closedLoop({ concurrency, joins }) {
  const latencies = [];
  const outcome = { withTurn: 0 };
  let issued = 0;
  const started = performance.now();
  // Worker w owns the sockets w, w + concurrency, …: no socket is ever in two cycles at once.
  const worker = async (w) => {
    const own = sockets.map((_, index) => index).filter((index) => index % concurrency === w);
    for (let k = 0; issued < joins; k++) {
      issued += 1;
      const socket = own[k % own.length];
      latencies.push(await join(socket, outcome));
      await leave(socket);
    }
  };
  if (sockets.length < concurrency) throw new Error('fewer sockets than concurrent cycles');
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsedMs = performance.now() - started;
  return {
    joins: latencies.length,
    elapsedMs: Math.round(elapsedMs),
    joinsPerSecond: Math.round((latencies.length / elapsedMs) * 1000),
    withTurn: outcome.withTurn,
    latency: summarize(latencies),
  };
}

/**
 * Joins started at a steady `ratePerSecond` whatever the answers do (an open loop), each on an
 * idle socket, which leaves once answered.
 */
async function pacedLoop({ ratePerSecond, joins }) {
  const latencies = [];
  const outcome = { withTurn: 0 };
  const idle = sockets.map((_, index) => index).reverse();
  const cycles = [];
  let issued = 0;
  let starved = 0;
  const started = performance.now();
  while (issued < joins) {
    const due = Math.min(joins, Math.floor(((performance.now() - started) * ratePerSecond) / 1000));
    while (issued < due) {
      issued += 1;
      const socket = idle.pop();
      if (socket === undefined) {
        starved += 1;
        continue;
      }
      cycles.push(
        join(socket, outcome).then(async (latencyMs) => {
          latencies.push(latencyMs);
          await leave(socket);
          idle.push(socket);
        }),
      );
    }
    await sleep(1);
  }
  await Promise.all(cycles);
  return {
    joins: latencies.length,
    ratePerSecond,
    starved,
    withTurn: outcome.withTurn,
    latency: summarize(latencies),
    latenciesMs: latencies,
  };
}

/** Every socket joins at once and stays (a cold start, or a full house for the memory figure). */
async function joinAll() {
  const outcome = { withTurn: 0 };
  const started = performance.now();
  const latencies = await Promise.all(sockets.map((_, index) => join(index, outcome)));
  return {
    joins: latencies.length,
    elapsedMs: Math.round(performance.now() - started),
    withTurn: outcome.withTurn,
    latency: summarize(latencies),
  };
}

async function leaveAll() {
  await Promise.all(sockets.map((_, index) => leave(index)));
  return { left: sockets.length };
}

async function disconnectAll() {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await setImmediate();
  return {};
}

serveRequests(
  { connect, closedLoop, pacedLoop, joinAll, leaveAll, disconnectAll, cpu: () => cpuUsage() },
  disconnectAll,
);
process.send({ type: 'ready' });
