/**
 * Time the hypervisor took this machine's CPUs away ("steal" in /proc/stat): while a virtual CPU
 * is stolen nothing in the machine runs on it, the pump's real-time priority included, so frames
 * due then leave late whatever the pump does. The self-test allows for it rather than blaming the
 * pump (measured: an idle real-time task here wakes over 2 ms late ~15 times a minute, nearly
 * always in a second with steal).
 */
import { readFile } from 'node:fs/promises';

/** The kernel's USER_HZ: /proc/stat counts in hundredths of a second on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * Seconds stolen from each CPU since boot (none where /proc/stat has no steal field). Compare two
 * readings CPU by CPU: a process runs on one CPU at a time, so the most any one CPU lost is what
 * it can have lost, not their sum.
 */
export async function stolenCpuSeconds(): Promise<number[]> {
  return (await readFile('/proc/stat', 'utf8'))
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line))
    .map((line) => {
      // "cpuN user nice system idle iowait irq softirq steal ...": steal is the eighth counter.
      const steal = Number(line.trim().split(/\s+/)[8] ?? 0);
      return Number.isFinite(steal) ? steal / TICKS_PER_SECOND : 0;
    });
}

/** The most one CPU lost between two readings of {@link stolenCpuSeconds}. */
export function mostStolenSeconds(before: number[], after: number[]): number {
  return Math.max(0, ...after.map((seconds, cpu) => seconds - (before[cpu] ?? seconds)));
}
