/**
 * Removing lab namespaces: the processes still inside them first (a namespace outlives `ip netns
 * del` while a process holds it), then the namespace, which takes its veths and NAT rules with it,
 * and its own `/etc` files (netns-hosts.ts).
 * Also the guard that does the same when the process exits or is interrupted mid-test.
 */
import { rmSync } from 'node:fs';
import { LAB_PREFIX, isLabName, ownerPid } from './names.js';
import { namespaceEtc, removeEmptyNetnsEtc } from './netns-hosts.js';
import { run, runSyncQuiet } from './run.js';

const live = new Set<string>();
let guardInstalled = false;

/** Records namespaces as this process's, to be removed on exit even if teardown never runs. */
export function trackNamespaces(names: string[]): void {
  installExitGuard();
  for (const name of names) live.add(name);
}

/** Kills what runs inside the namespaces and deletes them. Missing namespaces are not an error. */
export async function destroyNamespaces(names: string[]): Promise<void> {
  for (const name of names) {
    const pids = await run('ip', ['netns', 'pids', name]).catch(() => '');
    for (const pid of parsePids(pids)) killQuietly(pid);
    await run('ip', ['netns', 'del', name]).catch(() => '');
    rmSync(namespaceEtc(name), { recursive: true, force: true });
    live.delete(name);
  }
  removeEmptyNetnsEtc();
}

/** The lab namespaces and links that exist on this machine right now. */
export async function labResources(): Promise<{ namespaces: string[]; links: string[] }> {
  const namespaces = (await run('ip', ['netns', 'list']))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(LAB_PREFIX));
  const links = (await run('ip', ['-o', 'link', 'show']))
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0] ?? '')
    .filter((name) => name.startsWith(LAB_PREFIX));
  return { namespaces, links };
}

/**
 * Removes labs left by runs that died without teardown: only names in the lab's own pattern, and
 * only when the process that created them is gone, so a lab another run is using stays up.
 */
export async function sweepLeftovers(): Promise<string[]> {
  const { namespaces } = await labResources();
  const orphans = namespaces.filter((name) => {
    const pid = ownerPid(name);
    return isLabName(name) && pid !== null && !isAlive(pid);
  });
  await destroyNamespaces(orphans);
  return orphans;
}

function destroyLiveSync(): void {
  for (const name of live) {
    for (const pid of parsePids(runSyncQuiet('ip', ['netns', 'pids', name]))) killQuietly(pid);
    runSyncQuiet('ip', ['netns', 'del', name]);
    rmSync(namespaceEtc(name), { recursive: true, force: true });
  }
  removeEmptyNetnsEtc();
  live.clear();
}

function installExitGuard(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  process.on('exit', destroyLiveSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      destroyLiveSync();
      // Only this listener: keep the default meaning of the signal, which is to end the process.
      if (process.listenerCount(signal) === 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

function parsePids(text: string): number[] {
  return text
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
