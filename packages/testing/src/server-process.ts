/**
 * The icelane server CLI (`packages/server/dist/main.js`, so build first) as a child process,
 * configured through its environment like any deployment, and always stopped by its PID.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from './coturn.js';

export const SERVER_MAIN = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));

export interface ServerProcessOptions {
  /** The script to run: the CLI, or an app that logs `listening` as the CLI does. */
  main: string;
  /** Environment variables on top of a minimal base (`PATH`); `PORT` defaults to 0 (any free). */
  env: Record<string, string>;
  /** Wraps the command, e.g. `['ip', 'netns', 'exec', 'pub']`. */
  prefix: string[];
  /** The host clients use to reach it, for `url`. */
  host: string;
  onLog: (line: string) => void;
  startTimeoutMs: number;
}

export const serverProcessDefaults: ServerProcessOptions = {
  main: SERVER_MAIN,
  env: {},
  prefix: [],
  host: '127.0.0.1',
  onLog: () => {},
  startTimeoutMs: 15_000,
};

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Every line the server logged so far. */
  logs: string[];
  /** Settles when the process has exited, with its exit code (`null` when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM (graceful), SIGKILL after a second. */
  stop(): Promise<void>;
}

/** Starts the CLI and resolves once it logs `{"msg":"listening","port":N}`. */
export async function startServerProcess(
  options: Partial<ServerProcessOptions> = {},
): Promise<ServerProcess> {
  const o = { ...serverProcessDefaults, ...options };
  const env = { PATH: process.env.PATH ?? '', PORT: '0', ...o.env };
  const [command, ...args] = [...o.prefix, process.execPath, o.main];
  const child = spawn(command!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not log "listening" in time:\n${logs.join('\n')}`)),
      o.startTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        logs.push(line);
        o.onLog(line);
        const listening = parseListening(line);
        if (listening !== null) {
          clearTimeout(timer);
          resolve(listening);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${logs.join('\n')}`));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });

  return {
    url: `http://${o.host}:${port}`,
    port,
    pid: child.pid!,
    logs,
    exited,
    stop: () => stopChild(child),
  };
}

function parseListening(line: string): number | null {
  if (!line.includes('"listening"')) return null;
  try {
    const record = JSON.parse(line) as { msg?: string; port?: number };
    return record.msg === 'listening' && typeof record.port === 'number' ? record.port : null;
  } catch {
    return null;
  }
}
