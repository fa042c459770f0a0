/**
 * Several `icelane-server` processes (the built CLI) on one real Redis, as a deployment runs
 * them: the fixture of every cross-node test. Every node and the Redis are stopped by PID.
 */
import { startRedis, type RedisServer, type RedisServerOptions } from './redis.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

export interface RedisNodesOptions {
  /** How many nodes to start at once; each is up and connected to Redis when the fixture is. */
  nodes: number;
  /** Server variables of every node, on top of `REDIS_URL`, `HOST` and a debug log level. */
  env: Record<string, string>;
  redis: Partial<RedisServerOptions>;
}

export const redisNodesDefaults: RedisNodesOptions = { nodes: 2, env: {}, redis: {} };

export interface RedisNodes {
  redis: RedisServer;
  /** The nodes started with the fixture, in order. */
  nodes: ServerProcess[];
  /** Starts one more node on `redisUrl` (this Redis by default); it may not have reached it yet. */
  startNode(env?: Record<string, string>, redisUrl?: string): Promise<ServerProcess>;
  /** Stops one node gracefully (SIGTERM), as a deployment retires it. */
  stopNode(node: ServerProcess): Promise<void>;
  /** Stops every node still running, then Redis. */
  stop(): Promise<void>;
}

export async function startRedisNodes(
  options: Partial<RedisNodesOptions> = {},
): Promise<RedisNodes> {
  const o = { ...redisNodesDefaults, ...options };
  const redis = await startRedis(o.redis);
  const running = new Set<ServerProcess>();

  const startNode = async (env: Record<string, string> = o.env, redisUrl = redis.url) => {
    const node = await startServerProcess({
      env: { REDIS_URL: redisUrl, HOST: '127.0.0.1', ICELANE_LOG_LEVEL: 'debug', ...env },
    });
    running.add(node);
    return node;
  };
  const stopNode = async (node: ServerProcess) => {
    running.delete(node);
    await node.stop();
  };
  const stop = async () => {
    await Promise.all([...running].map(stopNode));
    await redis.stop();
  };

  try {
    const nodes = await Promise.all(Array.from({ length: o.nodes }, () => startNode()));
    await redisUpOn(...nodes);
    return { redis, nodes, startNode, stopNode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface Readiness {
  ready: boolean;
  redis: { state: string; lastError?: string | null };
}

/** The node's `/readyz` answer (a CLI process, or a server started in the test's own process). */
export async function readyz(
  node: Pick<ServerProcess, 'url'>,
): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`${node.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness };
}

/** Polls `check` until it holds; generous bounds, the machine may be slow. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

/** Waits until every node says its Redis works. */
export async function redisUpOn(...nodes: Array<Pick<ServerProcess, 'url'>>): Promise<void> {
  for (const node of nodes) {
    await eventually(async () => (await readyz(node)).body.redis.state === 'ok', 'redis ok');
  }
}

/** The log lines of `node` whose `msg` is `msg`. */
export function logged(node: ServerProcess, msg: string): Array<Record<string, unknown>> {
  return node.logs
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return null;
      }
    })
    .filter((record): record is Record<string, unknown> => record?.msg === msg);
}
