/**
 * Whether a real coturn accepts a TURN credential: `turnutils_uclient` (Debian's `coturn`)
 * allocates a relay with it and sends messages through it, which only works when coturn accepts
 * the username and password.
 */
import { spawn } from 'node:child_process';
import type { IceServer } from '@icelane/protocol';
import { stopChild, type Coturn } from '@icelane/testing';

export interface ClientRun {
  code: number | null;
  output: string;
}

/** Allocates on `coturn` with the first server that carries a login, and relays one message. */
export async function allocateAndRelay(
  coturn: Coturn,
  credential: { iceServers: IceServer[] },
): Promise<ClientRun> {
  const { username, credential: password } = credential.iceServers.find(
    (server) => server.username,
  )!;
  const args = [
    '-y',
    '-n',
    '1',
    '-c',
    '-u',
    username!,
    '-w',
    password!,
    '-p',
    String(coturn.port),
    coturn.ip,
  ];
  const child = spawn('turnutils_uclient', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const timer = setTimeout(() => void stopChild(child), 15_000);
  try {
    return { code: await exited, output };
  } finally {
    clearTimeout(timer);
    await stopChild(child);
  }
}

/** How many messages came back through the relay, as `turnutils_uclient` counts them. */
export const receivedMessages = (output: string): number => {
  const counts = [...output.matchAll(/tot_recv_msgs=(\d+)/g)].map((match) => Number(match[1]));
  return counts.length > 0 ? Math.max(...counts) : 0;
};
