/**
 * The programs behind the lab's IPv6: TAYGA (NAT64, a userspace translator on a TUN device) and
 * unbound (DNS64 on an IPv6-only side's router, a plain resolver on the public segment). Each runs
 * in its namespace from a configuration written into a directory of its own, and is stopped by
 * its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stopChild } from '../../coturn.js';
import { runIn, run } from '../run.js';
import { NAT64_PREFIX } from './plan.js';

/** A program running in a namespace until `stop()`. */
export interface Daemon {
  pid: number;
  stop(): Promise<void>;
}

/** How long a daemon may take to be ready: both are ready in well under a second here. */
const READY_TIMEOUT_MS = 10_000;
/** How often TAYGA's TUN device is looked at while waiting for TAYGA to attach to it. */
const TUN_POLL_MS = 50;

/** TAYGA's TUN device in the router's namespace (it goes with the namespace). */
export const NAT64_TUN = 'nat64';

export interface Nat64Options {
  routerNs: string;
  /** A directory of its own for the configuration and TAYGA's map of dynamic addresses. */
  dir: string;
  /** TAYGA's own IPv4 address, inside `pool`. */
  address: string;
  /** The IPv4 addresses phones are mapped to (dynamic-pool). */
  pool: string;
}

/**
 * Creates TAYGA's TUN device, routes the NAT64 prefix and the pool through it, and starts TAYGA.
 * Resolves once TAYGA has attached to the device (its carrier is up).
 */
export async function startNat64(o: Nat64Options): Promise<Daemon> {
  const config = join(o.dir, 'tayga.conf');
  await writeFile(
    config,
    [
      `tun-device ${NAT64_TUN}`,
      `ipv4-addr ${o.address}`,
      `prefix ${NAT64_PREFIX}`,
      `dynamic-pool ${o.pool}`,
      `data-dir ${o.dir}`,
      '',
    ].join('\n'),
  );
  // A persistent device first, so it can be configured before TAYGA runs on it.
  await runIn(o.routerNs, 'tayga', ['-c', config, '--mktun']);
  const ip = (...args: string[]) => run('ip', ['-n', o.routerNs, ...args]);
  await ip('link', 'set', NAT64_TUN, 'up');
  await ip('route', 'add', o.pool, 'dev', NAT64_TUN);
  await ip('route', 'add', NAT64_PREFIX, 'dev', NAT64_TUN);

  const child = spawnIn(o.routerNs, 'tayga', ['-c', config, '--nodetach']);
  child.stdout!.resume();
  child.stderr!.resume();
  const daemon = daemonOf(child);
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await ip('link', 'show', NAT64_TUN)).includes('LOWER_UP')) {
      if (child.exitCode !== null) throw new Error(`tayga exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('tayga did not attach to its TUN device');
      await new Promise((resolve) => setTimeout(resolve, TUN_POLL_MS));
    }
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

export interface ResolverOptions {
  ns: string;
  dir: string;
  /** The addresses it listens on. */
  addresses: string[];
  /** The names it answers for (all under `icelane.test`), each with an IPv4 address. */
  names: Record<string, string>;
  /**
   * Synthesize AAAA records in the NAT64 prefix from A records (DNS64), for an IPv6-only side;
   * `false`: a plain resolver, the public segment's.
   */
  dns64: boolean;
}

/**
 * unbound answering for the lab's names with A records only; with `dns64`, a phone's AAAA query
 * gets an address synthesized in the NAT64 prefix.
 *
 * The names are an auth-zone the iterator reads, not local-data: measured, local-data answered
 * the AAAA query with no data, since local zones answer before any module (dns64 included) runs.
 * `test.` is one of unbound's default local zones (RFC 6761) and is lifted for the same reason.
 */
export async function startResolver(o: ResolverOptions): Promise<Daemon> {
  const zone = join(o.dir, 'icelane.test.zone');
  await writeFile(
    zone,
    [
      '$ORIGIN icelane.test.',
      '$TTL 60',
      '@ IN SOA ns.icelane.test. admin.icelane.test. 1 3600 600 86400 60',
      '@ IN NS localhost.',
      ...Object.entries(o.names).map(([name, address]) => `${name}. IN A ${address}`),
      '',
    ].join('\n'),
  );
  const config = join(o.dir, 'unbound.conf');
  await writeFile(
    config,
    [
      'server:',
      ...o.addresses.map((address) => `  interface: ${address}`),
      '  port: 53',
      '  access-control: 0.0.0.0/0 allow',
      '  access-control: ::/0 allow',
      `  module-config: "${o.dns64 ? 'dns64 ' : ''}iterator"`,
      ...(o.dns64 ? [`  dns64-prefix: ${NAT64_PREFIX}`] : []),
      '  local-zone: "test." nodefault',
      '  domain-insecure: "icelane.test."',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${o.dir}"`,
      '  pidfile: ""',
      '  use-syslog: no',
      '  logfile: ""',
      '  do-daemonize: no',
      'auth-zone:',
      '  name: "icelane.test."',
      `  zonefile: "${zone}"`,
      '  for-downstream: no',
      '  for-upstream: yes',
      '  fallback-enabled: no',
      '',
    ].join('\n'),
  );
  const child = spawnIn(o.ns, 'unbound', ['-d', '-c', config]);
  const daemon = daemonOf(child);
  try {
    await outputLine(child, /start of service/, 'unbound');
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

/** `ip netns exec` runs the program in its own place, so the child's PID is the program's. */
function spawnIn(ns: string, command: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function daemonOf(child: ChildProcess): Daemon {
  return { pid: child.pid!, stop: () => stopChild(child) };
}

/** Resolves when the program prints a line matching `ready`; rejects if it exits first. */
function outputLine(child: ChildProcess, ready: RegExp, name: string): Promise<void> {
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready: ${output.join('')}`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (ready.test(output.join(''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${output.join('')}`));
    });
  });
}
