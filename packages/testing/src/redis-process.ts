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
      return start(port, [...common, ...noPersistence, ...(await more(port))]);
    },
    stop: async () => {
      await Promise.all(started.map((process) => process.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `redis-cli -p <port> <args>` and answers its output. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 30_000,
  });
  return stdout;
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
