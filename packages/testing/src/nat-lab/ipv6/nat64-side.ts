/**
 * An IPv6-only side: a phone on a mobile network without a CLAT. Its router is on the public
 * segment with both families; towards the phone it routes IPv6 only (2001:db8:x::/64, with a
 * stateful firewall as carriers have), translates the NAT64 prefix to IPv4 (TAYGA, then NAT44 to
 * its public address, as a carrier's NAT64 shares public addresses) and resolves names with DNS64
 * (unbound). The phone's programs use that resolver (`/etc/netns/<ns>/resolv.conf`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNamespaceResolver } from '../netns-hosts.js';
import { runIn } from '../run.js';
import { ip, type LabSide, type SideName } from '../topology.js';
import { startNat64, startResolver, type Daemon } from './daemons.js';
import { nat64Plan } from './plan.js';

export interface Nat64Side {
  side: LabSide;
  /** Stops TAYGA and unbound and removes their directory; the namespaces take the rest. */
  stop(): Promise<void>;
}

/** Where the side's router attaches to the public segment, with both families. */
export type AttachToPublic = (port: string, ns: string, ifname: string) => Promise<void>;

/**
 * Builds the side `name` in the namespaces `ns` (the phone) and `routerNs`; its resolver answers
 * for `names` (host name → IPv4 address) with DNS64.
 */
export async function buildNat64Side(
  name: SideName,
  ns: string,
  routerNs: string,
  attachToPublic: AttachToPublic,
  names: Record<string, string>,
): Promise<Nat64Side> {
  const plan = nat64Plan(name);
  await attachToPublic(`p${name}`, routerNs, 'wan');
  await ip(routerNs, 'addr', 'add', `${plan.publicAddress}/24`, 'dev', 'wan');
  // nodad: the address is usable at once, not a second later after duplicate address detection.
  await ip(routerNs, 'addr', 'add', `${plan.publicAddress6}/64`, 'dev', 'wan', 'nodad');
  await ip(routerNs, 'link', 'set', 'wan', 'up');
  await ip(routerNs, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  await ip(routerNs, 'addr', 'add', `${plan.gateway}/64`, 'dev', 'lan', 'nodad');
  await ip(routerNs, 'link', 'set', 'lan', 'up');
  await ip(ns, 'addr', 'add', `${plan.address}/64`, 'dev', 'eth0', 'nodad');
  await ip(ns, 'link', 'set', 'eth0', 'up');
  await ip(ns, '-6', 'route', 'add', 'default', 'via', plan.gateway);
  await runIn(routerNs, 'sysctl', [
    '-qw',
    'net.ipv4.ip_forward=1',
    'net.ipv6.conf.all.forwarding=1',
  ]);
  for (const rule of nat64RouterRules()) await runIn(routerNs, rule[0]!, rule.slice(1));

  const dir = await mkdtemp(join(tmpdir(), `icelane-nat64-${name}-`));
  const daemons: Daemon[] = [];
  const stop = async () => {
    for (const daemon of daemons.splice(0).reverse()) await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    daemons.push(
      await startNat64({ routerNs, dir, address: plan.nat64Address, pool: plan.nat64Pool }),
    );
    daemons.push(
      await startResolver({ ns: routerNs, dir, addresses: [plan.gateway], names, dns64: true }),
    );
    await writeNamespaceResolver(ns, plan.gateway);
  } catch (error) {
    await stop();
    throw error;
  }
  const side: LabSide = {
    name,
    nat: 'nat64',
    ns,
    routerNs,
    address: plan.address,
    publicAddress: plan.publicAddress,
    ifname: 'eth0',
  };
  return { side, stop };
}

/**
 * NAT44 of what TAYGA translated to the router's public address, and a stateful IPv6 firewall:
 * the phone's own connections and their answers pass, nothing unsolicited comes in (so a direct
 * IPv6 path needs both ends to send, as ICE does).
 */
function nat64RouterRules(): string[][] {
  const established = ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'];
  return [
    ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE'],
    ['ip6tables', '-P', 'FORWARD', 'DROP'],
    ['ip6tables', '-A', 'FORWARD', '-i', 'lan', '-o', 'wan', '-j', 'ACCEPT'],
    ['ip6tables', '-A', 'FORWARD', '-i', 'lan', '-o', 'nat64', '-j', 'ACCEPT'],
    ['ip6tables', '-A', 'FORWARD', ...established],
  ];
}
