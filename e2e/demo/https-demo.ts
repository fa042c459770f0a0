/**
 * The demo over HTTPS as a person starts it (`npm run demo -- --https`) and stops it (Ctrl-C),
 * on loopback and free ports, with the certificate kept in a folder of the test's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from '@icelane/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY = 'Ctrl-C stops coturn and the server.';

export interface HttpsDemoPorts {
  port: number;
  turnPort: number;
  turnsPort: number;
}

export interface HttpsDemo {
  /** The link printed after `Open`, e.g. `https://127.0.0.1:40123/?room=phone-1a2b3c`. */
  url: string;
  ports: HttpsDemoPorts;
  /** Everything the command printed so far, as printed. */
  output(): string;
  /** Ctrl-C: SIGINT to the command's whole process group, as a terminal sends it. */
  interrupt(): Promise<void>;
}

export interface HttpsDemoOptions {
  /** The command and its arguments, run from the repository root. */
  command: string[];
  certDir: string;
  /** On top of the test's environment. */
  env?: Record<string, string>;
  ports?: HttpsDemoPorts;
  startTimeoutMs?: number;
}

export async function startHttpsDemo(options: HttpsDemoOptions): Promise<HttpsDemo> {
  const ports = options.ports ?? {
    port: await freePort(),
    turnPort: await freePort(),
    turnsPort: await freePort(),
  };
  const [command, ...args] = options.command;
  // Its own process group, so Ctrl-C can be sent to everything it starts and nothing else.
  const child = spawn(command!, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Loopback only: the test sends nothing to this machine's real network address.
      ICELANE_DEMO_HOST: '127.0.0.1',
      ICELANE_DEMO_PORT: String(ports.port),
      ICELANE_DEMO_TURN_PORT: String(ports.turnPort),
      ICELANE_DEMO_TURNS_PORT: String(ports.turnsPort),
      ICELANE_DEMO_CERT_DIR: options.certDir,
      // Nothing reaches a registry: no update checks, installs from the local store only.
      npm_config_update_notifier: 'false',
      npm_config_offline: 'true',
      ...options.env,
    },
  });
  let output = '';
  const demo: HttpsDemo = {
    url: '',
    ports,
    output: () => output,
    interrupt: () => interrupt(child),
  };
  try {
    demo.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the demo did not start in time:\n${output}`)),
        options.startTimeoutMs ?? 150_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const open = /^\s*Open\s+(https:\S+)/m.exec(output);
        if (open && output.includes(READY)) {
          clearTimeout(timer);
          resolve(open[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the demo exited with ${code}:\n${output}`));
      });
    });
    return demo;
  } catch (error) {
    await interrupt(child);
    throw error;
  }
}

/** SIGINT to the group, then waits for the command to exit (SIGKILL to the group after 15 s). */
async function interrupt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const group = -child.pid!;
  process.kill(group, 'SIGINT');
  const timer = setTimeout(() => process.kill(group, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Whether `port` can be bound on 127.0.0.1 again, over TCP or UDP. */
export function canBind(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
