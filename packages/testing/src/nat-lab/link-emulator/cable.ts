/**
 * An emulated cable: a pump process (pump.py) between two TAP devices, one handed to each end of
 * the link. Killing the process (the lab's teardown kills everything in its namespaces) removes
 * both devices; nothing else is left behind.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { resolveLink, type LinkConfig, type TurnMatch } from './link-config.js';

export const PUMP = fileURLToPath(new URL('./pump.py', import.meta.url));

/** What each direction of the pump has seen since it started. */
export interface CableCounters {
  frames: number;
  lost: number;
  queueDropped: number;
  bytes: number;
  /** Frames the pump sent more than 2 ms after their time (its own timing error). */
  late: number;
  maxLateMs: number;
}

export interface Cable {
  /** The pump's process id (its CPU time is read from /proc). */
  pid: number;
  /** Settles when the pump has exited (the lab's teardown kills it). */
  exited: Promise<void>;
  /** Applies a new configuration at once, packets already held keep their departure time. */
  set(config: LinkConfig, turnMatch?: TurnMatch): Promise<void>;
  counters(): Promise<{ up: CableCounters; down: CableCounters }>;
  /** CPU seconds the pump has used so far (user + system). */
  cpuSeconds(): Promise<number>;
}

/**
 * Starts a pump in `ns` with TAP devices `clientTap` and `networkTap` there; resolves once both
 * exist, so the caller can move and address them.
 */
export async function startCable(
  ns: string,
  clientTap: string,
  networkTap: string,
): Promise<Cable> {
  // Real-time priority: the pump is the network, and should keep its timing when the machine is
  // busy (measured: under a load of 18 on 2 cores, a plain pump stalled for 100 ms at times).
  // It sleeps between packets and takes ~2 % of a core at 4 Mbit/s.
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      'chrt',
      '--fifo',
      String(PUMP_PRIORITY),
      'python3',
      PUMP,
      clientTap,
      networkTap,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`link pump in ${ns} exited (${String(code)}): ${stderr.trim()}`)),
    );
    waiting.push((line) =>
      line === 'ready' ? resolve() : reject(new Error(`link pump said: ${line}`)),
    );
  });
  lines.on('line', (line) => waiting.shift()?.(line));
  // The pump's exit after the lab closes is expected; an exit before `ready` rejects above.
  child.on('exit', () => {
    for (const waiter of waiting.splice(0)) waiter('error: the link pump exited');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await ready;
  const pid = child.pid;
  if (pid === undefined) throw new Error('link pump has no pid');

  const ask = (message: object) =>
    new Promise<string>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null)
        return reject(new Error('the link pump has exited'));
      waiting.push(resolve);
      child.stdin.write(`${JSON.stringify(message)}\n`);
    });

  return {
    pid,
    exited,
    async set(config, turnMatch) {
      const answer = await ask({ ...resolveLink(config), turnMatch: turnMatch ?? null });
      if (answer !== 'ok') throw new Error(`link pump refused the configuration: ${answer}`);
    },
    async counters() {
      const answer = await ask({ stats: true });
      return JSON.parse(answer) as { up: CableCounters; down: CableCounters };
    },
    async cpuSeconds() {
      // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the `(comm)`.
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    },
  };
}

/** A low real-time priority: above every ordinary process, below the kernel's own threads. */
const PUMP_PRIORITY = 10;

/** `getconf CLK_TCK` on Linux x86-64 and arm64 alike. */
const CLOCK_TICKS_PER_SECOND = 100;
