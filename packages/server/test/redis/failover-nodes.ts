/**
 * The failover tests' set-up: a Redis (a Cluster, or a primary behind Sentinel) and three
 * `icelane-server` processes on it, started before a file's tests once Redis is up, and stopped
 * after them with every client, whatever the tests did.
 */
import { afterAll, beforeAll } from 'vitest';
import { redisUpOn, startServerProcess, type ServerProcess } from '@icelane/testing';
import { disconnectAll } from '../support/clients.js';
import { STATIC_TURN_ENV } from './static-turn-env.js';

/** How many icelane nodes share the Redis: enough that a signal crosses between two others. */
export const FAILOVER_NODE_COUNT = 3;

export interface FailoverSetup<R> {
  /** The Redis, once `beforeAll` has run. */
  redis(): R;
  /** The icelane nodes; a test may kill one and take it out of the list. */
  nodes: ServerProcess[];
}

/**
 * Registers the file's `beforeAll` and `afterAll`: `start` brings the Redis up, `redisEnv` says
 * how a node reaches it (the variables a deployment would set).
 */
export function failoverNodes<R extends { stop(): Promise<void> }>(
  start: () => Promise<R>,
  redisEnv: (redis: R) => Record<string, string>,
): FailoverSetup<R> {
  let redis: R | undefined;
  const nodes: ServerProcess[] = [];
  beforeAll(async () => {
    redis = await start();
    const env = { ...STATIC_TURN_ENV, ...redisEnv(redis), HOST: '127.0.0.1' };
    for (let i = 0; i < FAILOVER_NODE_COUNT; i++) {
      nodes.push(await startServerProcess({ env: { ...env, ICELANE_LOG_LEVEL: 'debug' } }));
    }
    await redisUpOn(...nodes);
  }, 60_000);
  afterAll(async () => {
    disconnectAll();
    await Promise.all(nodes.map((node) => node.stop()));
    await redis?.stop();
  });
  return {
    redis: () => {
      if (!redis) throw new Error('the Redis is started in beforeAll');
      return redis;
    },
    nodes,
  };
}
