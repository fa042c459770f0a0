/**
 * Builds the lab's small internet: a public segment (a bridge in the `pub` namespace, which also
 * hosts the TURN and signaling servers) and, per side, a client namespace that is either on that
 * segment or behind a router namespace doing NAT. Only 203.0.113.0/24 and 100.64.0.0/10 are used.
 *
 * Links are created directly inside the namespaces, so none ever appears in the root namespace,
 * and deleting the namespaces removes every link and rule of the lab.
 */
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
  nat: NatKind;
  /** The namespace the browser runs in. */
  ns: string;
  /** The router namespace, when `nat` is not `none`. */
  routerNs?: string;
  /** The client's own address (100.64.x.2 behind a router, 203.0.113.2x on the public segment). */
  address: string;
  /** The address the public segment sees this client's traffic from. */
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
  a: NatKind;
  b: NatKind;
}

const sideNumber: Record<SideName, number> = { a: 1, b: 2 };

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
  const destroy = () => destroyNamespaces([...namespaces]);

  try {
    await addNamespace(pubNs);
    await ip(pubNs, 'link', 'add', 'br0', 'type', 'bridge');
    await ip(pubNs, 'addr', 'add', `${PUBLIC_HOST}/24`, 'dev', 'br0');
    await ip(pubNs, 'link', 'set', 'br0', 'up');

    const sides = {} as Record<SideName, LabSide>;
    for (const name of ['a', 'b'] as const) {
      sides[name] = await buildSide(id, pubNs, name, options[name], addNamespace);
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
  addNamespace: (ns: string) => Promise<void>,
): Promise<LabSide> {
  const n = sideNumber[name];
  const ns = namespaceName(id, `client${name}`);
  await addNamespace(ns);

  if (nat === 'none') {
    const address = `203.0.113.${20 + n}`;
    await attachToPublic(pubNs, `p${name}`, ns, 'eth0', address);
    return { name, nat, ns, address, publicAddress: address };
  }

  const routerNs = namespaceName(id, `router${name}`);
  await addNamespace(routerNs);
  const publicAddress = `203.0.113.${10 + n}`;
  await attachToPublic(pubNs, `p${name}`, routerNs, 'wan', publicAddress);

  const lanPrefix = `100.64.${n}`;
  await ip(routerNs, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
  await ip(routerNs, 'addr', 'add', `${lanPrefix}.1/24`, 'dev', 'lan');
  await ip(routerNs, 'link', 'set', 'lan', 'up');
  await run('ip', ['netns', 'exec', routerNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  for (const rule of natRules(nat, { wan: 'wan', lan: 'lan' })) {
    await run('ip', ['netns', 'exec', routerNs, 'iptables', ...rule]);
  }

  const address = `${lanPrefix}.2`;
  await ip(ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
  await ip(ns, 'link', 'set', 'eth0', 'up');
  await ip(ns, 'route', 'add', 'default', 'via', `${lanPrefix}.1`);
  return { name, nat, ns, routerNs, address, publicAddress };
}

/** A veth from the public bridge to `ns`, where it is named `ifname` and has `address`. */
async function attachToPublic(
  pubNs: string,
  port: string,
  ns: string,
  ifname: string,
  address: string,
): Promise<void> {
  await ip(pubNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns);
  await ip(pubNs, 'link', 'set', port, 'master', 'br0', 'up');
  await ip(ns, 'addr', 'add', `${address}/24`, 'dev', ifname);
  await ip(ns, 'link', 'set', ifname, 'up');
}

function ip(ns: string, ...args: string[]): Promise<string> {
  return run('ip', ['-n', ns, ...args]);
}
