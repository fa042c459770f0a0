/**
 * A real coturn (`turnserver` from Debian's `coturn`) for tests, with the TURN REST API's shared
 * secret (`use-auth-secret`), started on a free port and always stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForListeners, waitForPort } from './ports.js';

export interface CoturnOptions {
  /** The address coturn listens, relays and advertises on. */
  ip: string;
  /** 0 picks a free port. */
  port: number;
  secret: string;
  realm: string;
  /**
   * More addresses to listen on beside `ip`. With two or more listening addresses coturn turns on
   * RFC 5780 and also answers on its alternative port (`port + 1`) on each of them: a second STUN
   * endpoint for the network check (`altStunUrl`). With one address it opens no alternative port.
   */
  extraListeningIps: string[];
  /**
   * More addresses to relay from beside `ip` (`relay-ip`), one per family coturn should allocate
   * in: an IPv6 one lets a client ask for an IPv6 relay (RFC 6156); without one, any client gets
   * its relay address on `ip`.
   */
  extraRelayIps: string[];
  /** Relay ports come from this range. */
  minRelayPort: number;
  maxRelayPort: number;
  /**
   * Peer address ranges coturn refuses to relay to (`denied-peer-ip`, `first-last`). A TURN server
   * on the internet refuses private ranges: relaying there reaches nothing, and a failed send makes
   * coturn close the whole relay socket (see `e2e/nat-lab/README.md`).
   */
  deniedPeerRanges: string[];
  /** Wraps the command, e.g. `['ip', 'netns', 'exec', 'pub']` to run it in a namespace. */
  prefix: string[];
  /**
   * Run the relay at this real-time priority (`chrt --fifo`, 1-99), or `null` for the caller's
   * scheduling. A relay that waits on a busy machine's run queue holds every packet of every
   * call through it.
   */
  realtimePriority: number | null;
  /**
   * Log every request and allocation (`--verbose`): coturn 4.6.1 then prints
   * `session <id>: new, realm=<…>, username=<…>, lifetime=<s>` at each Allocate,
   * `session <id>: refreshed, …` at each Refresh, and
   * `session <id>: realm <…> user <…>: incoming packet <METHOD> processed, success` (or `error <code>`).
   * Without it, none of these lines is printed.
   */
  verbose: boolean;
  /** Lines coturn prints, for debugging a failed test (or reading its allocations). */
  onLog: (line: string) => void;
  startTimeoutMs: number;
  /** Serve TURN over TLS (`turns:`) on this port with this certificate chain and key (PEM files). */
  tls: { port: number; certFile: string; keyFile: string } | null;
}

export const coturnDefaults: CoturnOptions = {
  ip: '127.0.0.1',
  port: 0,
  secret: 'icelane-test-secret',
  realm: 'icelane.test',
  minRelayPort: 49152,
  maxRelayPort: 65535,
  deniedPeerRanges: [],
  extraListeningIps: [],
  extraRelayIps: [],
  verbose: false,
  prefix: [],
  realtimePriority: null,
  onLog: () => {},
  startTimeoutMs: 10_000,
  tls: null,
};

export interface Coturn {
  ip: string;
  port: number;
  secret: string;
  realm: string;
  /** `turn:<ip>:<port>?transport=udp` */
  udpUrl: string;
  /** `turn:<ip>:<port>?transport=tcp` */
  tcpUrl: string;
  stunUrl: string;
  /** `stun:<ip>:<port + 1>`, answered only with `extraListeningIps`; otherwise `null`. */
  altStunUrl: string | null;
  pid: number;
  stop(): Promise<void>;
}

export async function startCoturn(options: Partial<CoturnOptions> = {}): Promise<Coturn> {
  const o = { ...coturnDefaults, ...options };
  const port = o.port === 0 ? await freePort(o.ip) : o.port;
  const dir = await mkdtemp(join(tmpdir(), 'icelane-coturn-'));
  const args = [
    '-n',
    `--listening-ip=${o.ip}`,
    `--relay-ip=${o.ip}`,
    ...o.extraRelayIps.map((extra) => `--relay-ip=${extra}`),
    // coturn turns RFC 5780 (and its alternative port) off whenever an external IP is set; the
    // relay address is public here, so the setting only matters without extra addresses.
    ...(o.extraListeningIps.length > 0 ? [] : [`--external-ip=${o.ip}`]),
    ...o.extraListeningIps.map((extra) => `--listening-ip=${extra}`),
    `--listening-port=${port}`,
    `--min-port=${o.minRelayPort}`,
    `--max-port=${o.maxRelayPort}`,
    '--use-auth-secret',
    `--static-auth-secret=${o.secret}`,
    `--realm=${o.realm}`,
    '--fingerprint',
    ...(o.tls
      ? [
          `--tls-listening-port=${o.tls.port}`,
          `--cert=${o.tls.certFile}`,
          `--pkey=${o.tls.keyFile}`,
        ]
      : ['--no-tls']),
    '--no-dtls',
    '--no-cli',
    '--no-multicast-peers',
    // Loopback peers are refused by default; on loopback they are the only peers there are.
    ...(o.ip.startsWith('127.') ? ['--allow-loopback-peers'] : []),
    ...o.deniedPeerRanges.map((range) => `--denied-peer-ip=${range}`),
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    '--log-file=stdout',
    '--simple-log',
    ...(o.verbose ? ['--verbose'] : []),
  ];
  const realtime =
    o.realtimePriority === null ? [] : ['chrt', '--fifo', String(o.realtimePriority)];
  const [command, ...prefixArgs] = [...o.prefix, ...realtime, 'turnserver'];
  const child = spawn(command!, [...prefixArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 200) output.shift();
      o.onLog(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    if (o.prefix.length === 0) {
      await waitForPort(o.ip, port, child, o.startTimeoutMs, 100);
    } else {
      // Inside a namespace the port is not reachable from here: its listening sockets are read
      // there instead, until every listening address has its TCP listener.
      const hosts = [o.ip, ...o.extraListeningIps];
      await waitForListeners(o.prefix, hosts, port, child, o.startTimeoutMs);
    }
  } catch (error) {
    await stop();
    throw new Error(`coturn did not start: ${(error as Error).message}\n${output.join('\n')}`);
  }

  return {
    ip: o.ip,
    port,
    secret: o.secret,
    realm: o.realm,
    udpUrl: `turn:${o.ip}:${port}?transport=udp`,
    tcpUrl: `turn:${o.ip}:${port}?transport=tcp`,
    stunUrl: `stun:${o.ip}:${port}`,
    altStunUrl: o.extraListeningIps.length > 0 ? `stun:${o.ip}:${port + 1}` : null,
    pid: child.pid!,
    stop,
  };
}

/** SIGTERM, then SIGKILL if the process has not exited within a second. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
  await exited;
  clearTimeout(timer);
}
