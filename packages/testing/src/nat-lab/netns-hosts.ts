/**
 * Host names inside one lab namespace. `ip netns exec <ns>` bind-mounts each file of
 * `/etc/netns/<ns>/` over its namesake in `/etc` for the program it runs, so a `hosts` or
 * `resolv.conf` file there names lab addresses (or a resolver) for the browsers of that namespace
 * alone; nothing outside it sees the file.
 * The folder goes with the namespace (teardown.ts), leftovers of a dead run included, and
 * `/etc/netns` itself once no lab uses it.
 */
import { rmdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const NETNS_ETC = '/etc/netns';

/** Where `ip netns exec` looks for a namespace's own `/etc` files. */
export function namespaceEtc(ns: string): string {
  return join(NETNS_ETC, ns);
}

/** Gives `ns` a `hosts` file: loopback as usual, plus `names` (host name → address). */
export async function writeNamespaceHosts(
  ns: string,
  names: Record<string, string>,
): Promise<void> {
  const lines = ['127.0.0.1 localhost', '::1 localhost'];
  for (const [name, address] of Object.entries(names)) lines.push(`${address} ${name}`);
  await writeNamespaceFile(ns, 'hosts', lines);
}

/**
 * Gives `ns` a `resolv.conf` naming `nameserver` alone: the namespace's programs, browsers
 * included, resolve names there (an IPv6-only side's DNS64 resolver).
 */
export async function writeNamespaceResolver(ns: string, nameserver: string): Promise<void> {
  await writeNamespaceFile(ns, 'resolv.conf', [`nameserver ${nameserver}`]);
}

async function writeNamespaceFile(ns: string, name: string, lines: string[]): Promise<void> {
  const write = async () => {
    await mkdir(namespaceEtc(ns), { recursive: true });
    await writeFile(join(namespaceEtc(ns), name), `${lines.join('\n')}\n`);
  };
  // Another lab's teardown may remove an empty `/etc/netns` between the two steps.
  await write().catch(write);
}

/** Removes `/etc/netns` when no namespace has files there any more. */
export function removeEmptyNetnsEtc(): void {
  try {
    rmdirSync(NETNS_ETC);
  } catch {
    // Still in use by another lab, or never made.
  }
}
