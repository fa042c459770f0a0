/**
 * The public segment's resolver, in a lab with an IPv6-only side: every namespace but the phones'
 * resolves the servers' names there (`resolv.conf`), as the phones do at their DNS64.
 *
 * A hosts file is not enough: measured, Chromium in a namespace whose hosts file named the TURN
 * server gathered no relay over UDP (only over TCP), and with the machine's resolver out of the
 * namespace's reach no srflx and no relay at all; with this resolver it gathers both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNamespaceResolver } from '../netns-hosts.js';
import { startResolver, type Daemon } from './daemons.js';

/**
 * Starts the resolver in `pubNs` on `addresses` (the first is what the clients use), answering
 * for `names`, and points `clients` (and `pubNs` itself) at it.
 */
export async function startPublicDns(
  pubNs: string,
  addresses: string[],
  names: Record<string, string>,
  clients: string[],
): Promise<Daemon> {
  const dir = await mkdtemp(join(tmpdir(), 'icelane-dns-'));
  let resolver: Daemon | undefined;
  const stop = async () => {
    await resolver?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    resolver = await startResolver({ ns: pubNs, dir, addresses, names, dns64: false });
    for (const ns of [pubNs, ...clients]) await writeNamespaceResolver(ns, addresses[0]!);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: resolver.pid, stop };
}
