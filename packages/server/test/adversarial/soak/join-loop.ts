/**
 * A well-behaved client during a soak, run by `join-probe.mjs` in a process of its own: the
 * join times and every failure (refusal, timeout, refused connection).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface JoinLoopOptions {
  durationMs: number;
  /** Between one join's end and the next one's start. */
  intervalMs: number;
  localAddress: string;
  token?: string;
}

export interface JoinFigures {
  latencies: number[];
  /** Failures by what was seen: an error code, `timeout` or `connect-error`. */
  failures: Record<string, number>;
}

const PROBE = fileURLToPath(new URL('./join-probe.mjs', import.meta.url));

export function joinLoop(url: string, o: JoinLoopOptions): Promise<JoinFigures> {
  const args = [PROBE, url, String(o.durationMs), String(o.intervalMs), o.localAddress];
  if (o.token) args.push(o.token);
  return new Promise((resolve, reject) => {
    // Killed if it overruns by much: a join times out after 5 s, so it cannot legitimately.
    execFile(process.execPath, args, { timeout: o.durationMs + 30_000 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as JoinFigures),
    );
  });
}

/** Nearest-rank percentile; NaN without values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)]!;
}
