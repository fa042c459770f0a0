/**
 * Measures a lab side's link with the probe (link-probe.mjs): a UDP stream between the side's
 * client and the public segment, measured where it arrives.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PUBLIC_HOST, type LabNetwork, type SideName } from '../topology.js';

const PROBE = fileURLToPath(new URL('./link-probe.mjs', import.meta.url));
/** The probe's port on the public segment (each lab has its own public namespace). */
const PROBE_PORT = 5999;
/** Below the pump's real-time priority (cable.ts), above every ordinary process. */
const PROBE_PRIORITY = 5;

export interface ProbeRequest {
  direction: 'up' | 'down';
  rateKbps: number;
  packetBytes: number;
  durationMs: number;
  /** Another port than the default, to run two probes at once. */
  port?: number;
}

/** What the receiving end measured. `rateKbps` counts IP bytes, as the emulator's limit does. */
export interface ProbeResult {
  sent: number;
  received: number;
  loss: number;
  /** Runs of consecutive lost packets. */
  lossBursts: number;
  meanDelayMs: number;
  jitterMs: number;
  minDelayMs: number | null;
  medianDelayMs: number;
  /** The deviation of the middle half (interquartile range / 1.349), stalls left out. */
  robustJitterMs: number;
  p95DelayMs: number | null;
  rateKbps: number;
}

export async function probeLink(
  network: LabNetwork,
  side: SideName,
  request: ProbeRequest,
): Promise<ProbeResult> {
  const port = String(request.port ?? PROBE_PORT);
  const server = start(network.pubNs, ['serve', port]);
  await server.firstLine;
  const client = start(network.sides[side].ns, [
    'client',
    PUBLIC_HOST,
    port,
    request.direction,
    String(request.rateKbps),
    String(request.packetBytes),
    String(request.durationMs),
  ]);
  const [serverOut, clientOut] = await Promise.all([server.done, client.done]);
  const measured = request.direction === 'up' ? serverOut.split('\n')[1] : clientOut;
  return JSON.parse(measured ?? '') as ProbeResult;
}

function start(ns: string, args: string[]) {
  // Real-time priority below the pump's: the probe measures the link, not the machine's load (a
  // stalled sender sends a burst, which a rate limit then queues for real). It runs for seconds.
  const child = spawn('ip', [
    'netns',
    'exec',
    ns,
    'chrt',
    '--fifo',
    String(PROBE_PRIORITY),
    process.execPath,
    PROBE,
    ...args,
  ]);
  let out = '';
  let err = '';
  let lineSeen: () => void = () => {};
  const firstLine = new Promise<void>((resolve) => (lineSeen = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n')) lineSeen();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(out.trim())
        : reject(new Error(`link probe ${args[0]} in ${ns} exited ${String(code)}: ${err.trim()}`)),
    );
  });
  return { firstLine: Promise.race([firstLine, done.then(() => {})]), done };
}
