// Where icelane's CPU time goes beyond bare socket.io's, by function: the closed loop of
// bench:server (bare and icelane, the same cycles each, rounds in turns) with Linux `perf`
// sampling each server process on CPU during the rounds only. Every sample is charged to the
// nearest JavaScript function on its stack (with the V8 builtins, runtime and kernel work it
// called), garbage collection apart.
//
//   bash bench/server/run.sh profile [--top N] [--dist <another build's dist/index.js>]
//
// Needs `perf` and the right to use it (root, or kernel.perf_event_paranoid <= 1). Unlike
// `--cpu-prof`, which samples wall time (a process descheduled inside `writev` is charged there),
// `perf -e cpu-clock` counts time on CPU only: the figure `bench:server:compare` measures.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { printTable } from '../lib/table.mjs';
import { runBenchmark } from './children.mjs';
import { median } from './latency.mjs';
import { cpuDuring, withRigs } from './measure.mjs';
import { startProviderFake } from './provider-fake.mjs';

const profileDefaults = {
  sockets: 1_000,
  warmupJoins: 3_000,
  rounds: 5,
  joinsPerRound: 4_000,
  concurrency: 50,
  samplesPerSecond: 1_999,
  top: 30,
};

/** `perf record` has no ready signal; it attaches well within this. */
const PERF_ATTACH_MS = 1_000;

/** A stack without JavaScript on it is the collector's when one of these is near its top. */
const GC_FRAME = /Scaveng|Marking|Sweep|MarkCompact|Heap|GC|Evacuat|Concurrent/;

/** A frame's name, without the paths of the package store or the checkout. */
const shortName = (symbol) =>
  symbol
    .replace(/^JS:[*^~]?/, '')
    .replace(/\S*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/\S*packages\/(server|protocol)\/dist\//, '$1:')
    .replace(/file:\/\//, '');

/** Samples per owner in `perf script -F ip,sym` output (a blank line between samples). */
function chargeSamples(script) {
  const counts = new Map();
  for (const block of script.split('\n\n')) {
    const frames = block
      .split('\n')
      .map((line) => line.trim().split(/\s+/).slice(1).join(' '))
      .filter(Boolean);
    if (frames.length === 0) continue;
    const jsAt = frames.findIndex(
      (frame) => frame.startsWith('JS:') || frame.startsWith('RegExp:'),
    );
    let owner = `(native: ${frames[0].slice(0, 40)})`;
    // Writes are charged as one, whichever stream function V8 inlined the call into.
    if (frames.slice(0, jsAt).some((frame) => frame.includes('writev'))) owner = '(writev)';
    else if (jsAt >= 0) owner = shortName(frames[jsAt]);
    else if (GC_FRAME.test(frames.slice(0, 6).join(' '))) owner = '(garbage collection)';
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

async function profileRounds(rigs, dir, o) {
  const recorders = rigs.map((rig) => {
    const data = join(dir, `${rig.label}.data`);
    const args = ['record', '-e', 'cpu-clock', '-F', String(o.samplesPerSecond), '-g'];
    const perf = spawn('perf', [...args, '-o', data, '-p', String(rig.server.pid)], {
      stdio: 'ignore',
    });
    return { rig, perf, data, exited: once(perf, 'exit') };
  });
  try {
    await sleep(PERF_ATTACH_MS);
    for (const rig of rigs) rig.rounds = [];
    for (let round = 0; round < o.rounds; round++) {
      for (const rig of round % 2 ? [...rigs].reverse() : rigs) {
        const work = () =>
          rig.load.request('closedLoop', { concurrency: o.concurrency, joins: o.joinsPerRound });
        rig.rounds.push(await cpuDuring(rig, work));
      }
    }
  } finally {
    for (const { perf } of recorders) perf.kill('SIGINT');
    await Promise.all(recorders.map(({ exited }) => exited));
  }
  return recorders;
}

async function main() {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const o = { ...profileDefaults };
  const option = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  if (option('--top')) o.top = Number(option('--top'));
  const dist = option('--dist') ?? '';
  // The servers write /tmp/perf-<pid>.map, which names their JIT code for perf.
  process.env.BENCH_EXEC_ARGV = `${process.env.BENCH_EXEC_ARGV ?? ''} --perf-basic-prof`;

  const dir = await mkdtemp(join(tmpdir(), 'icelane-profile-'));
  const maps = [];
  const { fake, cloudflare } = await startProviderFake();
  try {
    const kinds = ['bare', { kind: 'icelane', label: 'icelane', dist }];
    const profiles = await withRigs(kinds, cloudflare, async (rigs) => {
      for (const rig of rigs) {
        maps.push(`/tmp/perf-${rig.server.pid}.map`, `/tmp/perf-${rig.load.pid}.map`);
        await rig.load.request('connect', { url: rig.url, count: o.sockets });
        await rig.load.request('closedLoop', { concurrency: o.concurrency, joins: o.warmupJoins });
      }
      return profileRounds(rigs, dir, o);
    });
    const cycles = o.rounds * o.joinsPerRound;
    const usPerCycle = (samples) => (samples / o.samplesPerSecond / cycles) * 1e6;
    const charged = {};
    for (const { rig, data } of profiles) {
      const script = await promisify(execFile)('perf', ['script', '-i', data, '-F', 'ip,sym'], {
        maxBuffer: 1 << 30,
      });
      charged[rig.label] = chargeSamples(script.stdout);
      const sampled = [...charged[rig.label].values()].reduce((sum, n) => sum + n, 0);
      const measured = median(rig.rounds.map((r) => r.serverCpuUsPerJoin));
      console.log(
        `${rig.label}: ${measured} µs of CPU per join+leave (median round), ${usPerCycle(sampled).toFixed(1)} µs sampled`,
      );
    }
    const { bare, icelane } = charged;
    const total = (counts) => [...counts.values()].reduce((sum, n) => sum + n, 0);
    const extra = total(icelane) - total(bare);
    const rows = [...new Set([...bare.keys(), ...icelane.keys()])]
      .map((owner) => ({
        owner,
        bare: bare.get(owner) ?? 0,
        icelane: icelane.get(owner) ?? 0,
      }))
      .map((row) => ({ ...row, extra: row.icelane - row.bare }))
      .sort((a, b) => b.extra - a.extra);
    const us = (samples) => usPerCycle(samples).toFixed(2);
    console.log(`\nicelane's time beyond bare's: ${us(extra)} µs per join+leave\n`);
    printTable([
      ['share of the extra', 'extra µs', 'icelane µs', 'bare µs', 'function'],
      ...rows
        .slice(0, o.top)
        .map((r) => [
          `${((r.extra / extra) * 100).toFixed(1)} %`,
          us(r.extra),
          us(r.icelane),
          us(r.bare),
          r.owner,
        ]),
    ]);
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
    for (const map of maps) await rm(map, { force: true });
  }
}

runBenchmark(main);
