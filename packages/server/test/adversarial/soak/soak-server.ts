/**
 * The `icelane-server` CLI for the soak, as a process of its own so its memory is its alone:
 * a 512 MB heap (an attack that outgrows it aborts the process, which the soak reports), its
 * resident memory and open descriptors read from /proc. Always stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpRequest } from '../attack-clients.js';
import { GOOD_ADDRESS } from '../well-behaved.js';

/** The build to attack; `ICELANE_SOAK_SERVER` points at another (an older commit's) to compare. */
export const SOAK_SERVER =
  process.env.ICELANE_SOAK_SERVER ??
  fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

export interface SoakServer {
  url: string;
  port: number;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resident memory in bytes; 0 once it has exited. */
  rss(): number;
  /** Open file descriptors; 0 once it has exited. */
  descriptors(): number;
  /** A counter's value from `/metrics`, summed over label sets containing `labels`. */
  counter(name: string, labels?: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startSoakServer(env: Record<string, string> = {}): Promise<SoakServer> {
  const child: ChildProcess = spawn(process.execPath, ['--max-old-space-size=512', SOAK_SERVER], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
    // The logger writes to stderr; both streams are read so neither fills up.
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        const match = /"msg":"listening".*?"port":(\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const fromProc = (read: () => number) => {
    try {
      return alive() ? read() : 0;
    } catch {
      return 0;
    }
  };
  return {
    url,
    port,
    alive,
    rss: () =>
      fromProc(() => {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      }),
    descriptors: () => fromProc(() => readdirSync(`/proc/${child.pid}/fd`).length),
    counter: async (name, labels = '') => {
      if (!alive()) return NaN;
      // From the well-behaved address: the attacker's may be over its connection cap.
      const { body: text } = await Promise.race([
        httpRequest(port, '/metrics', { localAddress: GOOD_ADDRESS }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('/metrics did not answer in 10 s')), 10_000),
        ),
      ]);
      return text
        .split('\n')
        .filter((line) => line.startsWith(name) && line.includes(labels))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    },
    stop: async () => {
      if (!alive()) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 6_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
