/**
 * What happens to a phone's network under a live call, done to a running lab: the carrier's NAT
 * forgets its mappings (rebinding), the phone moves from Wi-Fi to cellular (handover), a tunnel
 * cuts the path for a while (blackout). Everything happens inside the lab's namespaces, so closing
 * the lab undoes it all; a blackout still running when the lab closes just stops waiting.
 */
import { run, runIn } from './run.js';
import { ip, useRouter, type LabNetwork, type SideName } from './topology.js';

/** When an incident began and ended (the same instant for the ones that are a single step). */
export interface IncidentTimes {
  startedAt: number;
  endedAt: number;
}

/**
 * NAT rebinding: the router of `side` forgets every mapping (`conntrack -F`). The next packet of
 * each flow gets a new public port (behind a symmetric NAT; a port-restricted one may keep it),
 * and what the other end sends to the old mapping is dropped.
 */
export async function rebind(network: LabNetwork, side: SideName): Promise<IncidentTimes> {
  const { routerNs } = network.sides[side];
  if (!routerNs) throw new Error(`side ${side} has no router to rebind (NAT none)`);
  const startedAt = Date.now();
  await runIn(routerNs, 'conntrack', ['-F']);
  return { startedAt, endedAt: Date.now() };
}

/**
 * Wi-Fi → cellular: the client of `side` gets its address on the spare router (built with
 * `spareRouter: true`) and its default route moves there, then its old interface is removed with
 * its address. Its local and public addresses both change; `network.sides[side]` says the new ones.
 */
export async function handover(network: LabNetwork, side: SideName): Promise<IncidentTimes> {
  const current = network.sides[side];
  const spare = current.spare;
  if (!spare) throw new Error(`side ${side} has no spare router (build the lab with spareRouter)`);
  const startedAt = Date.now();
  await useRouter(current.ns, spare);
  // Deleting the client's end of the veth deletes the old router's LAN end with it.
  await ip(current.ns, 'link', 'del', current.ifname);
  Object.assign(current, {
    routerNs: spare.routerNs,
    address: spare.address,
    publicAddress: spare.publicAddress,
    ifname: spare.ifname,
    spare: undefined,
  });
  return { startedAt, endedAt: Date.now() };
}

/**
 * The path of `side` is lost for `ms`: its router drops everything it would forward, both ways
 * (a client on the public segment drops on its own interface instead), then the rule is removed.
 * NAT mappings survive: only the time without a path is what the call sees. Resolves when the
 * path is back, or at once when `signal` aborts (the lab is closing and takes the rule with it).
 */
export async function blackout(
  network: LabNetwork,
  side: SideName,
  ms: number,
  signal?: AbortSignal,
): Promise<IncidentTimes> {
  const { routerNs, ns, ifname } = network.sides[side];
  const rules = routerNs
    ? [{ ns: routerNs, rule: ['FORWARD', '-j', 'DROP'] }]
    : [
        { ns, rule: ['INPUT', '-i', ifname, '-j', 'DROP'] },
        { ns, rule: ['OUTPUT', '-o', ifname, '-j', 'DROP'] },
      ];
  const startedAt = Date.now();
  for (const { ns: where, rule } of rules) {
    await runIn(where, 'iptables', ['-I', rule[0]!, '1', ...rule.slice(1)]);
  }
  await sleep(ms, signal);
  if (!signal?.aborted) {
    for (const { ns: where, rule } of rules) await runIn(where, 'iptables', ['-D', ...rule]);
  }
  return { startedAt, endedAt: Date.now() };
}

/** Whether `conntrack` (Debian's `conntrack` package) is installed, for rebinding. */
export async function hasConntrack(): Promise<boolean> {
  return run('conntrack', ['--version']).then(
    () => true,
    () => false,
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  // An abort before the wait began (the lab closed while the rule went in) fires no event.
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
