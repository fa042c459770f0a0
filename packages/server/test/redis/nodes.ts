/**
 * Several `icelane-server` processes (the built CLI) on one Redis, as a deployment runs them,
 * each stopped by its PID.
 */
import { startServerProcess, type ServerProcess } from '@icelane/testing';

/** A TURN server with a fixed login, so every join answer carries TURN. */
export const STATIC_TURN_ENV = {
  ICELANE_STUN_URLS: 'stun:127.0.0.1:3478',
  ICELANE_STATIC_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
  ICELANE_STATIC_TURN_USERNAME: 'icelane-user',
  ICELANE_STATIC_TURN_CREDENTIAL: 'icelane-static-credential',
};

const started = new Set<ServerProcess>();

export async function startNode(redisUrl: string, env: Record<string, string> = {}) {
  const node = await startServerProcess({
    env: { REDIS_URL: redisUrl, HOST: '127.0.0.1', ICELANE_LOG_LEVEL: 'debug', ...env },
  });
  started.add(node);
  return node;
}

/** Stops one node gracefully. */
export async function stopNode(node: ServerProcess): Promise<void> {
  started.delete(node);
  await node.stop();
}

export async function stopAllNodes(): Promise<void> {
  await Promise.all([...started].map((node) => stopNode(node)));
}

export interface Readiness {
  ready: boolean;
  redis: { state: string; lastError?: string | null };
}

export async function readyz(node: ServerProcess): Promise<{ status: number; body: Readiness }> {
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
export async function redisUpOn(...nodes: ServerProcess[]): Promise<void> {
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
