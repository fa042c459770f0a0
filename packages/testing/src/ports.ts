import { execFile, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A port free for both TCP and UDP on `host` right now (coturn listens on both). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error(`no port free for both TCP and UDP on ${host}`);
}

/**
 * Resolves once something accepts TCP connections on `host:port`, polling every `everyMs`; fails
 * early when `child` (the process meant to listen) exits first, and after `timeoutMs`.
 */
export async function waitForPort(
  host: string,
  port: number,
  child: ChildProcess,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`no TCP listener on ${host}:${port} after ${timeoutMs} ms`);
}

/**
 * Resolves once `hosts:port` each have a TCP listener, as `ss` lists them when run through
 * `prefix` (`ip netns exec <ns>`: a namespace's ports cannot be connected to from outside it);
 * fails early when `child` exits first, and after `timeoutMs`.
 */
export async function waitForListeners(
  prefix: string[],
  hosts: string[],
  port: number,
  child: ChildProcess,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const [command, ...args] = [...prefix, 'ss', '-Hltn', `sport = :${port}`];
  const addresses = hosts.map((host) =>
    host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const { stdout } = await run(command!, args);
    const listening = stdout.split('\n').map((line) => line.trim().split(/\s+/)[3]);
    if (addresses.every((address) => listening.includes(address))) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`no TCP listener on ${addresses.join(', ')} after ${timeoutMs} ms`);
}
