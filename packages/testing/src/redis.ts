/**
 * A real `redis-server` (Debian's) for one test file, on a free loopback port, with no
 * persistence, always stopped by its PID. It can be stopped and started again on the same port,
 * as an outage and a recovery look to the nodes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './coturn.js';
import { freePort, waitForPort } from './ports.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisServerOptions {
  /** Set as `requirepass`, so a test can check that the password never shows. */
  password: string | null;
  startTimeoutMs: number;
}

export const redisServerDefaults: RedisServerOptions = { password: null, startTimeoutMs: 10_000 };

export interface RedisServer {
  port: number;
  /** `redis://[:password@]127.0.0.1:<port>` */
  url: string;
  /** Whether the process is running. */
  running(): boolean;
  /** Stops the process (SIGTERM, SIGKILL after a second). Safe to call when stopped. */
  stop(): Promise<void>;
  /** Starts a new, empty process on the same port. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers. */
  pause(): void;
  /** Lets a frozen process go on (SIGCONT). */
  resume(): void;
}

export async function startRedis(options: Partial<RedisServerOptions> = {}): Promise<RedisServer> {
  const o = { ...redisServerDefaults, ...options };
  const port = await freePort();
  let child: ChildProcess | null = null;
  const output: string[] = [];

  const start = async () => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    if (o.password) args.push('--requirepass', o.password);
    const started = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean));
      output.splice(0, Math.max(0, output.length - 100));
    };
    started.stdout!.on('data', keep);
    started.stderr!.on('data', keep);
    try {
      await waitForPort('127.0.0.1', port, started, o.startTimeoutMs);
    } catch (error) {
      await stopChild(started);
      throw new Error(
        `redis-server did not start: ${(error as Error).message}\n${output.join('\n')}`,
      );
    }
  };

  await start();
  const auth = o.password ? `:${encodeURIComponent(o.password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (!child) return;
      // A frozen process would not act on SIGTERM until it goes on.
      child.kill('SIGCONT');
      await stopChild(child);
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    start,
  };
}
