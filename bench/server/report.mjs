// The server benchmark's figures side by side (icelane, bare socket.io, their ratio), checked
// against the targets. A target missed is reported, not thrown.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { printTable } from '../lib/table.mjs';

export const serverTargets = {
  /** icelane's joins per second over bare socket.io's, at every socket count. */
  minThroughputRatio: 0.7,
  /** p99 of a join's answer at a steady rate, from the warm credential cache. */
  maxP99Ms: 10,
  p99AtSockets: 1_000,
  /** Provider calls for the concurrent cold joins, with a shared credential. */
  coldProviderCalls: 1,
  /** Heap per socket above bare socket.io's, connected and in a room. */
  maxHeapPerSocketAboveBareBytes: 30 * 1024,
};

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(2)} ms`;
const ratio = (a, b) => (b === 0 ? null : Math.round((a / b) * 100) / 100);

function machine() {
  const cores = cpus();
  return {
    cores: cores.length,
    cpu: cores[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function compare(runs, sockets) {
  const bare = runs.find((run) => run.kind === 'bare' && run.sockets === sockets);
  const icelane = runs.find((run) => run.kind === 'icelane' && run.sockets === sockets);
  const above = (pick) => pick(icelane.memory) - pick(bare.memory);
  return {
    sockets,
    throughputRatio: ratio(icelane.throughput.joinsPerSecond, bare.throughput.joinsPerSecond),
    heapPerSocketAboveBare: {
      connectedBytes: above((m) => m.perSocketConnected.heapBytes),
      joinedBytes: above((m) => m.perSocketJoined.heapBytes),
    },
    bare,
    icelane,
  };
}

function checkTargets(comparisons, cold) {
  const t = serverTargets;
  const atP99 = comparisons.find((c) => c.sockets === t.p99AtSockets);
  const worstRatio = Math.min(...comparisons.map((c) => c.throughputRatio));
  const worstHeap = Math.max(...comparisons.map((c) => c.heapPerSocketAboveBare.joinedBytes));
  return [
    {
      target: `join throughput >= ${t.minThroughputRatio}x bare`,
      measured: `${worstRatio}x (lowest)`,
      met: worstRatio >= t.minThroughputRatio,
    },
    {
      target: `p99 join answer < ${t.maxP99Ms} ms from the cache at ${t.p99AtSockets} sockets`,
      measured: atP99 ? ms(atP99.icelane.paced.latency.p99Ms) : 'not measured',
      met: atP99 ? atP99.icelane.paced.latency.p99Ms < t.maxP99Ms : null,
    },
    {
      target: `${t.coldProviderCalls} provider call for ${cold.joins} cold joins`,
      measured: `${cold.providerCalls} (server counted ${cold.serverCountedMints})`,
      met: cold.providerCalls === t.coldProviderCalls,
    },
    {
      target: `< ${kb(t.maxHeapPerSocketAboveBareBytes)} heap per socket above bare`,
      measured: `${kb(worstHeap)} (highest)`,
      met: worstHeap < t.maxHeapPerSocketAboveBareBytes,
    },
  ];
}

export function buildReport({ options, quick, started, runs, cold }) {
  const comparisons = options.socketCounts.map((sockets) => compare(runs, sockets));
  return {
    benchmark: 'server capacity: icelane vs bare socket.io, loopback',
    quick,
    /** The commit measured; the server is built from the working tree, which may differ. */
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    /** Load averages when the run ended: other work on the machine disturbs the figures. */
    loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    options,
    comparisons,
    cold,
    targets: checkTargets(comparisons, cold),
  };
}

export function printReport(report) {
  const { machine: m, options: o } = report;
  console.log(`\nServer capacity — ${m.cores} cores (${m.cpu}), Node ${m.node}`);
  console.log(
    `closed loop: ${o.concurrency} join/leave cycles in flight, ${o.throughputJoins} joins, ` +
      `median of ${o.throughputRounds} rounds taken in turns; ` +
      `paced: ${o.pacedRatePerSecond} joins/s, ${o.pacedJoins} joins in ${o.pacedRounds} rounds taken in turns\n`,
  );
  const rows = [['sockets', 'measure', 'icelane', 'bare', 'icelane/bare']];
  for (const c of report.comparisons) {
    const { icelane: i, bare: b } = c;
    const both = (label, pick, format) => [
      c.sockets,
      label,
      format(pick(i)),
      format(pick(b)),
      ratio(pick(i), pick(b)) ?? '',
    ];
    rows.push(
      both('joins/s (closed loop)', (r) => r.throughput.joinsPerSecond, String),
      both('server CPU µs per join+leave', (r) => r.throughput.serverCpuUsPerJoin, String),
      both('server CPU share (closed loop)', (r) => r.throughput.serverCpuShare, String),
      both('load generator CPU share', (r) => r.throughput.loadCpuShare, String),
      both('join p50 (closed loop)', (r) => r.throughput.latency.p50Ms, ms),
      both('join p99 (closed loop)', (r) => r.throughput.latency.p99Ms, ms),
      both('join p50 (paced)', (r) => r.paced.latency.p50Ms, ms),
      both('join p99 (paced)', (r) => r.paced.latency.p99Ms, ms),
      [
        c.sockets,
        'join p99 of each paced round',
        ...[i, b].map((r) => r.paced.roundP99Ms.map(ms).join(', ')),
        '',
      ],
      both('heap/socket, connected', (r) => r.memory.perSocketConnected.heapBytes, kb),
      both('heap/socket, in a room', (r) => r.memory.perSocketJoined.heapBytes, kb),
      both('RSS/socket, in a room', (r) => r.memory.perSocketJoined.rssBytes, kb),
    );
  }
  printTable(rows);

  const { cold } = report;
  console.log(
    `\n${cold.joins} concurrent cold joins (fresh icelane server, shared credential): ` +
      `${cold.providerCalls} provider call(s); answers p50 ${ms(cold.answers.latency.p50Ms)}, ` +
      `p99 ${ms(cold.answers.latency.p99Ms)}; ${cold.answers.withTurn}/${cold.joins} with TURN; ` +
      `provider answering in ${report.options.coldProviderDelayMs} ms; ` +
      `cache lookups ${JSON.stringify(cold.cacheLookups)}`,
  );
  console.log('\nTargets');
  printTable([
    ['target', 'measured', 'met'],
    ...report.targets.map((t) => [
      t.target,
      t.measured,
      t.met === null ? 'n/a' : t.met ? 'yes' : 'NO',
    ]),
  ]);
  console.log(`\nload average at the end: ${report.loadAverageAtEnd.join(' ')}`);
}
