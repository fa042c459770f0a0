/**
 * One `redis-server` process (a Cluster node, a replica, a sentinel) started with its arguments
 * and stopped by its PID; its last lines of output are kept for the error when it fails to start.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopChild } from './coturn.js';
import { freePort, waitForPort } from './ports.js';
import { REDIS_SERVER } from './redis.js';
import { eventually } from './redis-nodes.js';

export const REDIS_CLI = process.env.REDIS_CLI ?? '/usr/bin/redis-cli';

const run = promisify(execFile);

export interface RedisProcess {
  port: number;
  running(): boolean;
  /** SIGKILL: a crash, nothing gets said. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after a second. Safe to call when stopped. */
  stop(): Promise<void>;
}

export async function startRedisProcess(
  port: number,
  args: string[],
  startTimeoutMs = 10_000,
): Promise<RedisProcess> {
  const child: ChildProcess = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 50));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    await waitForPort('127.0.0.1', port, child, startTimeoutMs);
  } catch (error) {
    await stopChild(child);
    throw new Error(
      `redis-server did not start: ${(error as Error).message}\n${output.join('\n')}`,
    );
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    port,
    running,
    kill: async () => {
      if (!running()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    stop: () => stopChild(child),
  };
}

/**
 * Redis processes that live and die together, their files in one temporary directory: a
 * Cluster's nodes, or a primary, its replicas and their sentinels.
 */
export interface RedisProcessGroup {
  /** The temporary directory, removed by `stop`. */
  dir: string;
  /**
   * Starts a plain `redis-server` on a free port (loopback, its files in `dir`, nothing saved),
   * with `more(port)`'s arguments after the common ones.
   */
  startServer(more?: (port: number) => string[] | Promise<string[]>): Promise<RedisProcess>;
  /** Starts `redis-server` with exactly `args` (a sentinel's config file), on `port`. */
  start(port: number, args: string[]): Promise<RedisProcess>;
  /** Stops every process started (by PID) and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

export async function redisProcessGroup(name: string): Promise<RedisProcessGroup> {
  const dir = await mkdtemp(join(tmpdir(), `icelane-${name}-`));
  const started: RedisProcess[] = [];
  const start = async (port: number, args: string[]) => {
    const process = await startRedisProcess(port, args);
    started.push(process);
    return process;
  };
  return {
    dir,
    start,
    startServer: async (more = () => []) => {
      const port = await freePort();
      const common = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
      const noPersistence = ['--save', '', '--appendonly', 'no'];
      // A replica's first sync starts at once: by default Redis 7 waits 5 s for more replicas
      // to share one transfer, and a replica holds nothing until it is done.
      const syncAtOnce = ['--repl-diskless-sync-delay', '0'];
      return start(port, [...common, ...noPersistence, ...syncAtOnce, ...(await more(port))]);
    },
    stop: async () => {
      await Promise.all(started.map((process) => process.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once the primary on `port` has `replicas` replicas and each has applied everything
 * the primary had written when this was called, so that a replica taking over then holds every
 * write acknowledged before the call. `connected_slaves` alone does not say so: a replica counts
 * as connected during its first sync, while it holds nothing.
 */
export async function replicasCaughtUp(
  port: number,
  replicas: number,
  timeoutMs: number,
): Promise<void> {
  const written = Number(
    infoFields(await redisCli(port, 'info', 'replication')).master_repl_offset,
  );
  await eventually(
    async () => {
      const primary = infoFields(await redisCli(port, 'info', 'replication'));
      // `slave0:ip=127.0.0.1,port=6380,state=online,offset=...,lag=0`
      const ports = Object.entries(primary)
        .filter(([field]) => /^slave\d+$/.test(field))
        .map(([, value]) => Number(/port=(\d+)/.exec(value)?.[1]));
      if (ports.length < replicas) return false;
      for (const replica of ports) {
        const info = infoFields(await redisCli(replica, 'info', 'replication'));
        if (info.master_link_status !== 'up' || Number(info.slave_repl_offset) < written) {
          return false;
        }
      }
      return true;
    },
    `the replicas of :${port} holding its writes`,
    timeoutMs,
  );
}

/**
 * Runs `redis-cli -p <port> <args>` and answers its output. A failure's error carries the end of
 * what redis-cli printed (it writes most of its errors to stdout) and says when it was stopped
 * for taking 30 s.
 */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], {
      timeout: 30_000,
    });
    return stdout;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string; killed?: boolean };
    const printed = `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim().split('\n').slice(-20);
    throw new Error(
      `redis-cli ${args.join(' ')} on :${port} ${failed.killed ? 'took over 30 s' : 'failed'}` +
        `\n${printed.join('\n')}`,
    );
  }
}

/** The `field:value` lines of an INFO answer (or of CLUSTER INFO) as an object. */
export function infoFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}
