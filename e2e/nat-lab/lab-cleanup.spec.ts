/**
 * The lab leaves nothing behind: no namespace, no link, no process, whether a lab is closed after
 * use, built twice in a row, or abandoned by a run that died.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import {
  expect,
  skipUnlessLabCanRun,
  test,
  createLab,
  namespaceName,
  labResources,
  sweepLeftovers,
} from '@icelane/testing/nat-lab';

skipUnlessLabCanRun();

/** This process's labs only: other runs on the machine may have theirs up right now. */
async function ownResources() {
  const { namespaces, links } = await labResources();
  const own = (name: string) => name.startsWith(`icelab-${process.pid}-`);
  return { namespaces: namespaces.filter(own), links: links.filter(own) };
}

test('two labs in a row, with browsers and coturn, leave no namespace, link or process', async () => {
  const before = await ownResources();
  expect(before).toEqual({ namespaces: [], links: [] });

  // The second lab runs Firefox on side a: its launcher outside the namespace, the connector and
  // Firefox inside must end with it too.
  for (const browsers of [
    { a: 'chromium', b: 'chromium' },
    { a: 'firefox', b: 'chromium' },
  ] as const) {
    const lab = await createLab({ a: 'symmetric', b: 'none', turn: true, browsers });
    try {
      await (await lab.page('a')).goto('about:blank');
      await (await lab.page('b')).goto('about:blank');
      const namespaces = lab.network.namespaces;
      // coturn and both browsers (with their renderer and utility processes).
      const pids = namespaces.flatMap((ns) =>
        execFileSync('ip', ['netns', 'pids', ns]).toString().trim().split('\n').filter(Boolean),
      );
      expect(pids).toContain(String(lab.coturn!.pid));
      expect(pids.length).toBeGreaterThan(3);
      if (browsers.a === 'firefox') {
        const firefoxSide = firefoxProcesses(lab.network.sides.a.ns);
        // Firefox and the connector in the namespace; outside it, the launcher, and Firefox's
        // sandboxed children, which its Linux sandbox puts in network namespaces of their own.
        const inside = firefoxSide.filter((pid) => pids.includes(String(pid)));
        expect(inside.length).toBeGreaterThanOrEqual(2);
        expect(firefoxSide.length).toBeGreaterThan(inside.length);
        pids.push(...firefoxSide.filter((pid) => !inside.includes(pid)).map(String));
      }
      expect((await ownResources()).namespaces.sort()).toEqual([...namespaces].sort());

      await lab.close();
      expect(await ownResources()).toEqual({ namespaces: [], links: [] });
      await expect.poll(() => pids.filter((pid) => isRunning(Number(pid)))).toEqual([]);
      for (const ns of namespaces)
        expect(execFileSync('ip', ['netns', 'list']).toString()).not.toContain(ns);
    } finally {
      // Idempotent: a no-op when the lab closed above, the cleanup when an assertion failed first.
      await lab.close();
    }
  }
  // And nothing of the lab was ever created in the root namespace.
  expect(execFileSync('ip', ['-o', 'link', 'show']).toString()).not.toMatch(
    /icelab-|\bbr0\b|\bwan\b/,
  );
});

test('a lab closed mid-incident, after a handover and a TURN restart, leaves nothing either', async () => {
  const lab = await createLab({ a: 'symmetric', b: 'symmetric', spareRouter: true });
  try {
    const namespaces = [...lab.network.namespaces];
    expect(namespaces.filter((ns) => ns.endsWith('2'))).toHaveLength(2);
    await lab.handover('a');
    await lab.rebind('b');
    await lab.restartTurn();
    const coturnPid = lab.coturn!.pid;
    // Closed while side b is still without a path: closing does not wait the blackout out.
    const routerNs = lab.network.sides.b.routerNs!;
    const blackout = lab.blackout('b', 60_000);
    // The blackout is on once its DROP rule is in side b's router.
    await expect.poll(() => forwardRules(routerNs)).toContain('-A FORWARD -j DROP');
    const closedAt = Date.now();
    await lab.close();
    await blackout;
    expect(Date.now() - closedAt).toBeLessThan(15_000);
    expect(await ownResources()).toEqual({ namespaces: [], links: [] });
    await expect.poll(() => isRunning(coturnPid)).toBe(false);
    await expect(lab.blackout('a', 10)).rejects.toThrow(/closed/);
  } finally {
    await lab.close();
  }
});

test('a lab abandoned by a dead run is swept, processes inside included', async () => {
  // A run that died: its pid is gone, its namespace and a process inside it remain.
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => dead.once('exit', resolve));
  const orphan = namespaceName(`${dead.pid}-abcd`, 'pub');
  execFileSync('ip', ['netns', 'add', orphan]);
  const sleeper = spawn('ip', ['netns', 'exec', orphan, 'sleep', '300'], { stdio: 'ignore' });
  try {
    await expect
      .poll(() => execFileSync('ip', ['netns', 'pids', orphan]).toString().trim())
      .not.toBe('');

    const swept = await sweepLeftovers();
    expect(swept).toContain(orphan);
    expect(execFileSync('ip', ['netns', 'list']).toString()).not.toContain(orphan);
    await expect.poll(() => sleeper.exitCode ?? sleeper.signalCode).toBe('SIGKILL');
  } finally {
    if (sleeper.exitCode === null && sleeper.signalCode === null) sleeper.kill('SIGKILL');
    // Only if the sweep failed to: a failing test must not leave the namespace behind either.
    if (execFileSync('ip', ['netns', 'list']).toString().includes(orphan)) {
      execFileSync('ip', ['netns', 'del', orphan]);
    }
  }
});

test('the sweep leaves alone a lab whose run is still alive', async ({ lab }) => {
  const live = await lab({ a: 'none', b: 'none', turn: false });
  const swept = await sweepLeftovers();
  for (const ns of live.network.namespaces) expect(swept).not.toContain(ns);
  expect((await ownResources()).namespaces.sort()).toEqual([...live.network.namespaces].sort());
});

/** Processes whose environment names `ns` as the Firefox launcher's namespace. */
function firefoxProcesses(ns: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1')
          .split('\0')
          .includes(`FIREFOX_NETNS=${ns}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The FORWARD chain of a namespace's iptables, as `iptables -S` lists it. */
function forwardRules(ns: string): string[] {
  return execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-S', 'FORWARD'])
    .toString()
    .trim()
    .split('\n');
}

/** Alive and not a zombie (an exited child nobody has reaped yet is gone for our purpose). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
