/**
 * Which public address and port a side's router gives one UDP socket towards two destinations on
 * the public segment. The same port for both is endpoint-independent mapping (port-restricted
 * NAT, where STUN works); a different port per destination is symmetric NAT.
 */
import { spawn } from 'node:child_process';
import { run } from './run.js';
import { PUBLIC_HOST, type LabNetwork, type SideName } from './topology.js';

/** `address:port` as each of the two listeners saw the probe's one socket. */
export type ObservedSources = [string, string];

const LISTEN_PORTS = [40001, 40002] as const;

// Runs in the public namespace: prints `ready`, then the source of the first datagram per port.
const listener = `
const dgram = require('node:dgram');
const seen = {};
let bound = 0;
for (const port of ${JSON.stringify(LISTEN_PORTS)}) {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (_m, from) => {
    if (seen[port]) return;
    seen[port] = from.address + ':' + from.port;
    if (Object.keys(seen).length === 2) { console.log(JSON.stringify(seen)); process.exit(0); }
  });
  socket.bind(port, '${PUBLIC_HOST}', () => { if (++bound === 2) console.log('ready'); });
}
setTimeout(() => process.exit(1), 5000);
`;

// Runs in the client namespace: one socket, a few datagrams to each listener.
const sender = `
const socket = require('node:dgram').createSocket('udp4');
let left = 6;
const send = () => {
  for (const port of ${JSON.stringify(LISTEN_PORTS)}) socket.send('probe', port, '${PUBLIC_HOST}');
  if (--left === 0) socket.close(); else setTimeout(send, 100);
};
socket.bind(0, send);
`;

export async function observeMapping(
  network: LabNetwork,
  side: SideName,
): Promise<ObservedSources> {
  const child = spawn('ip', ['netns', 'exec', network.pubNs, process.execPath, '-e', listener], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let sending: Promise<string> | undefined;
  try {
    const lines: string[] = [];
    const result = new Promise<ObservedSources>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        const last = lines.at(-1);
        if (last === 'ready') {
          const clientNs = network.sides[side].ns;
          sending = run('ip', ['netns', 'exec', clientNs, process.execPath, '-e', sender]);
          sending.catch(reject);
        } else if (last?.startsWith('{')) {
          const seen = JSON.parse(last) as Record<string, string>;
          resolve([seen[LISTEN_PORTS[0]]!, seen[LISTEN_PORTS[1]]!]);
        }
      });
      child.once('exit', (code) => reject(new Error(`no probe arrived (listener exit ${code})`)));
    });
    return await result;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    // The sender's last datagrams must not reach the next probe's listeners.
    await sending?.catch(() => {});
  }
}
