/**
 * Builds the lab's small internet: a public segment (a bridge in the `pub` namespace, which also
 * hosts the TURN and signaling servers) and, per side, a client namespace that is either on that
 * segment or behind a router namespace doing NAT. Only 203.0.113.0/24 and 100.64.0.0/10 are used.
 *
 * With `spareRouter`, each side behind a router also gets a second one of the same kind, wired
 * to the client but unused until a handover (incidents.ts) moves the client onto it.
 *
 * With an IPv6-only side (`'nat64'`, ipv6/nat64-side.ts) the public segment is dual-stack
 * (2001:db8::/64 beside 203.0.113.0/24, the public namespace routing between its IPv6 subnets)
 * and a client on it gets IPv6 too; the servers' names are resolved at the public segment's
 * resolver (ipv6/public-dns.ts), and on the IPv6-only side at its router's DNS64.
 *
 * Links are created directly inside the namespaces, so none ever appears in the root namespace,
 * and deleting the namespaces removes every link and rule of the lab.
 */
import { startCable, type Cable } from './link-emulator/cable.js';
import { buildNat64Side } from './ipv6/nat64-side.js';
import { startPublicDns } from './ipv6/public-dns.js';
import {
  PUBLIC_HOST6,
  dualStackAddress,
  nat64Plan,
  serverNames,
  type SideNetwork,
} from './ipv6/plan.js';
import { natRules, type NatKind } from './nat-kinds.js';
import { namespaceName, newLabId } from './names.js';
import { run } from './run.js';
import { destroyNamespaces, trackNamespaces } from './teardown.js';

/** Where the TURN and signaling servers listen, on the public segment. */
export const PUBLIC_HOST = '203.0.113.1';

export type SideName = 'a' | 'b';

/** One end of a call: the namespace its browser runs in and how it reaches the public segment. */
export interface LabSide {
  name: SideName;
  nat: SideNetwork;
  /** The namespace the browser runs in. */
  ns: string;
  /** The router namespace, when `nat` is not `none`. */
  routerNs?: string;
  /**
   * The client's own address (100.64.x.2 behind a router, 203.0.113.2x on the public segment,
   * 2001:db8:x::2 behind NAT64).
   */
  address: string;
  /** The address the public segment sees this client's traffic from. */
  publicAddress: string;
  /** The client's interface towards its router (or the public segment). */
  ifname: string;
  /**
   * A second router of the same NAT kind, built up front with `spareRouter` and unused until a
   * handover moves the client onto it (Wi-Fi → cellular); gone once it is used.
   */
  spare?: SpareRouter;
  /**
   * The emulated link between the client and its router (or the public segment), with
   * `emulatedLinks`; a spare router's link stays perfect.
   */
  cable?: Cable;
}

/** A router the client is wired to but does not use yet: its interface is down, without address. */
export interface SpareRouter {
  routerNs: string;
  /** The client's interface towards it. */
  ifname: string;
  /** The client's address on it, once moved. */
  address: string;
  /** The router's LAN address: the client's default route once moved. */
  gateway: string;
  publicAddress: string;
}

export interface LabNetwork {
  id: string;
  /** The namespace of the public segment, where coturn and the signaling server run. */
  pubNs: string;
  sides: Record<SideName, LabSide>;
  /** Every namespace of this lab, the public one last. */
  namespaces: string[];
  /** Kills what still runs inside and deletes every namespace. Safe to call twice. */
  destroy(): Promise<void>;
}

export interface LabNetworkOptions {
  a: SideNetwork;
  b: SideNetwork;
  /**
   * Give each side behind a router a spare router of the same kind, with its own public address
   * (203.0.113.3x) and private subnet (100.64.1x.0/24), for handovers (see `handover` in
   * incidents.ts).
   */
  spareRouter?: boolean;
  /**
   * Sides whose client reaches its router (or the public segment) through the link emulator
   * (link-emulator/): a pump process between two TAP devices instead of a veth. It starts as a
   * perfect link; `LabSide.cable` changes it.
   */
  emulatedLinks?: SideName[];
}

const sideNumber: Record<SideName, number> = { a: 1, b: 2 };

/**
 * The addresses of a side's routers: the first on 203.0.113.1x and 100.64.x.0/24, the spare on
 * 203.0.113.3x and 100.64.1x.0/24. A client on the public segment is 203.0.113.2x.
 */
const routerPlan = (name: SideName, spare: boolean) => ({
  role: `router${name}${spare ? '2' : ''}`,
  port: `p${name}${spare ? '2' : ''}`,
  clientIf: spare ? 'eth1' : 'eth0',
  publicAddress: `203.0.113.${(spare ? 30 : 10) + sideNumber[name]}`,
  lanPrefix: `100.64.${(spare ? 10 : 0) + sideNumber[name]}`,
});

export async function buildLabNetwork(options: LabNetworkOptions): Promise<LabNetwork> {
  const id = newLabId();
  const pubNs = namespaceName(id, 'pub');
  const namespaces: string[] = [];
  // Newest first, so teardown removes clients and routers before the public segment they use.
  const addNamespace = async (name: string) => {
    namespaces.unshift(name);
    trackNamespaces([name]);
    await run('ip', ['netns', 'add', name]);
    await ip(name, 'link', 'set', 'lo', 'up');
  };
  // Programs a side runs besides the browsers (NAT64, DNS64), stopped before the namespaces go.
  const stops: (() => Promise<void>)[] = [];
  const destroy = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
    await destroyNamespaces([...namespaces]);
  };
  const dualStack = options.a === 'nat64' || options.b === 'nat64';

  try {
    await addNamespace(pubNs);
    await ip(pubNs, 'link', 'add', 'br0', 'type', 'bridge');
    await ip(pubNs, 'addr', 'add', `${PUBLIC_HOST}/24`, 'dev', 'br0');
    await ip(pubNs, 'link', 'set', 'br0', 'up');
    if (dualStack) {
      // nodad: usable at once, not after a second of duplicate address detection.
      await ip(pubNs, 'addr', 'add', `${PUBLIC_HOST6}/64`, 'dev', 'br0', 'nodad');
      await run('ip', ['netns', 'exec', pubNs, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']);
    }

    const sides = {} as Record<SideName, LabSide>;
    for (const name of ['a', 'b'] as const) {
      const emulated = options.emulatedLinks?.includes(name) ?? false;
      const kind = options[name];
      if (kind === 'nat64') {
        if (emulated || options.spareRouter)
          throw new Error('an IPv6-only side has neither an emulated link nor a spare router');
        const ns = namespaceName(id, `client${name}`);
        const routerNs = namespaceName(id, `router${name}`);
        await addNamespace(ns);
        await addNamespace(routerNs);
        const built = await buildNat64Side(
          name,
          ns,
          routerNs,
          (port, inNs, ifname) => vethToPublic(pubNs, port, inNs, ifname),
          serverNames(PUBLIC_HOST),
        );
        stops.push(built.stop);
        sides[name] = built.side;
        const plan = nat64Plan(name);
        await ip(pubNs, '-6', 'route', 'add', plan.subnet, 'via', plan.publicAddress6);
        continue;
      }
      sides[name] = await buildSide(id, pubNs, name, kind, emulated, addNamespace);
      if (dualStack && kind === 'none') {
        await ip(
          sides[name].ns,
          'addr',
          'add',
          `${dualStackAddress(name)}/64`,
          'dev',
          'eth0',
          'nodad',
        );
        await ip(sides[name].ns, '-6', 'route', 'add', 'default', 'via', PUBLIC_HOST6);
      }
      if (options.spareRouter && kind !== 'none') {
        const spare = await buildRouter(id, pubNs, name, kind, true, addNamespace);
        sides[name].spare = spare;
      }
    }
    if (dualStack) {
      const others = Object.values(sides).filter((side) => side.nat !== 'nat64');
      const names = serverNames(PUBLIC_HOST);
      const addresses = [PUBLIC_HOST, PUBLIC_HOST6];
      const dns = await startPublicDns(
        pubNs,
        addresses,
        names,
        others.map((side) => side.ns),
      );
      stops.push(dns.stop);
    }
    return { id, pubNs, sides, namespaces, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

async function buildSide(
  id: string,
  pubNs: string,
  name: SideName,
  nat: NatKind,
  emulated: boolean,
  addNamespace: (ns: string) => Promise<void>,
): Promise<LabSide> {
  const ns = namespaceName(id, `client${name}`);
  await addNamespace(ns);

  if (nat === 'none') {
    const address = `203.0.113.${20 + sideNumber[name]}`;
    const port = `p${name}`;
    const cable = emulated ? await cableBetween(pubNs, port, ns, 'eth0') : undefined;
    if (cable) await ip(pubNs, 'link', 'set', port, 'master', 'br0', 'up');
    else await vethToPublic(pubNs, port, ns, 'eth0');
    await ip(ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    await ip(ns, 'link', 'set', 'eth0', 'up');
    return { name, nat, ns, address, publicAddress: address, ifname: 'eth0', cable };
  }

  const { cable, ...router } = await buildRouter(
    id,
    pubNs,
    name,
    nat,
    false,
    addNamespace,
    emulated,
  );
  await useRouter(ns, router);
  const { routerNs, address, publicAddress, ifname } = router;
  return { name, nat, ns, routerNs, address, publicAddress, ifname, cable };
}

/**
 * A cable from `ns`, where its end is `nsEnd`, to `clientNs`, where its end is `clientEnd`: the
 * pump runs in `ns` and dies with it (the client namespace is removed first, the pump then
 * writes to a device that is gone, until its own namespace's teardown kills it).
 */
async function cableBetween(
  ns: string,
  nsEnd: string,
  clientNs: string,
  clientEnd: string,
): Promise<Cable> {
  const clientTap = `${nsEnd}c`;
  const cable = await startCable(ns, clientTap, nsEnd);
  await ip(ns, 'link', 'set', clientTap, 'netns', clientNs, 'name', clientEnd);
  // No IPv6 link-local address: it would appear a second after the link is up (duplicate address
  // detection), while the browser's first page load crawls over a slow emulated link, and
  // Chromium aborts a load when an address appears (net::ERR_NETWORK_CHANGED, seen on 3G).
  await ip(clientNs, 'link', 'set', clientEnd, 'addrgenmode', 'none');
  return cable;
}

/**
 * A router namespace doing NAT of `kind` between the public segment and a private subnet, with a
 * veth to the side's client. The client's end is left down and without address: `useRouter`
 * puts the client on it.
 */
async function buildRouter(
  id: string,
  pubNs: string,
  name: SideName,
  nat: Exclude<NatKind, 'none'>,
  spare: boolean,
  addNamespace: (ns: string) => Promise<void>,
  emulated = false,
): Promise<SpareRouter & { cable?: Cable }> {
  const plan = routerPlan(name, spare);
  const ns = namespaceName(id, `client${name}`);
  const routerNs = namespaceName(id, plan.role);
  await addNamespace(routerNs);
  await attachToPublic(pubNs, plan.port, routerNs, 'wan', plan.publicAddress);

  const gateway = `${plan.lanPrefix}.1`;
  const cable = emulated ? await cableBetween(routerNs, 'lan', ns, plan.clientIf) : undefined;
  if (!cable)
    await ip(
      routerNs,
      'link',
      'add',
      'lan',
      'type',
      'veth',
      'peer',
      'name',
      plan.clientIf,
      'netns',
      ns,
    );
  await ip(routerNs, 'addr', 'add', `${gateway}/24`, 'dev', 'lan');
  await ip(routerNs, 'link', 'set', 'lan', 'up');
  await run('ip', ['netns', 'exec', routerNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  for (const rule of natRules(nat, { wan: 'wan', lan: 'lan' })) {
    await run('ip', ['netns', 'exec', routerNs, 'iptables', ...rule]);
  }
  return {
    routerNs,
    ifname: plan.clientIf,
    address: `${plan.lanPrefix}.2`,
    gateway,
    publicAddress: plan.publicAddress,
    cable,
  };
}

/** Brings the client's interface towards `router` up, with its address and the default route. */
export async function useRouter(clientNs: string, router: SpareRouter): Promise<void> {
  await ip(clientNs, 'addr', 'add', `${router.address}/24`, 'dev', router.ifname);
  await ip(clientNs, 'link', 'set', router.ifname, 'up');
  await ip(clientNs, 'route', 'replace', 'default', 'via', router.gateway, 'dev', router.ifname);
}

/** A veth from the public bridge to `ns`, where it is named `ifname` (left down, no address). */
async function vethToPublic(
  pubNs: string,
  port: string,
  ns: string,
  ifname: string,
): Promise<void> {
  await ip(pubNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns);
  await ip(pubNs, 'link', 'set', port, 'master', 'br0', 'up');
}

/** A veth from the public bridge to `ns`, where it is named `ifname` and has `address`. */
async function attachToPublic(
  pubNs: string,
  port: string,
  ns: string,
  ifname: string,
  address: string,
): Promise<void> {
  await vethToPublic(pubNs, port, ns, ifname);
  await ip(ns, 'addr', 'add', `${address}/24`, 'dev', ifname);
  await ip(ns, 'link', 'set', ifname, 'up');
}

export function ip(ns: string, ...args: string[]): Promise<string> {
  return run('ip', ['-n', ns, ...args]);
}
