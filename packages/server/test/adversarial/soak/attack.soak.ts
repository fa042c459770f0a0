/**
 * `pnpm --filter @icelane/server run bench:attack`: each attack of issue 14 against the CLI for
 * ICELANE_SOAK_SECONDS (default 15), with a well-behaved client joining throughout; prints the
 * server's peak memory and descriptors, the join times quiet and under attack, the joins that
 * failed and the connections the limits cut. Never fails on a figure; it reports them.
 * ICELANE_SOAK_SERVER runs it against another build (e.g. an older commit's dist/main.js).
 */
import { it } from 'vitest';
import { hs256, inSeconds } from '../../support/jwt-signer.js';
import { GOOD_ADDRESS } from '../well-behaved.js';
import {
  connectFlood,
  connectionFlood,
  garbage,
  slowReaders,
  unauthenticated,
  type Attack,
} from './attacks.js';
import { joinLoop, percentile, type JoinFigures, type JoinLoopOptions } from './join-loop.js';
import { SOAK_SERVER, startSoakServer } from './soak-server.js';

const SECONDS = Number(process.env.ICELANE_SOAK_SECONDS ?? 15);
const SECRET = 'soak-join-token-secret-of-32-bytes-or-more';
const TOKEN = hs256(SECRET, { exp: inSeconds(3_600) });
const MB = 1024 * 1024;

interface Scenario {
  name: string;
  attack: Attack;
  env?: Record<string, string>;
  /** The valid users: another address, or (defect 4) the attacker's own, at its join budget. */
  joins: Omit<JoinLoopOptions, 'durationMs'>;
}

// Under 2 joins a second: the per-IP join budget is 60/2.
const elsewhere = { intervalMs: 400, localAddress: GOOD_ADDRESS };
const ALL: Scenario[] = [
  { name: '1 CONNECT flood (polling POSTs)', attack: connectFlood, joins: elsewhere },
  { name: '2 slow readers (4, signalled)', attack: slowReaders, joins: elsewhere },
  { name: '3 garbage (50 unjoined sockets)', attack: garbage, joins: elsewhere },
  {
    name: '4 tokenless GET /ice, same address',
    attack: unauthenticated,
    env: { ICELANE_JWT_SECRET: SECRET },
    joins: { intervalMs: 600, localAddress: '127.0.0.1', token: TOKEN },
  },
  { name: '10 idle connections (8,000)', attack: connectionFlood, joins: elsewhere },
];

/** `ICELANE_SOAK_ONLY=2,4` runs those attacks only (by the defect number their name starts with). */
const only = process.env.ICELANE_SOAK_ONLY?.split(',');
const SCENARIOS = ALL.filter((s) => !only || only.includes(s.name.split(' ')[0]!));
const progress = (text: string) => process.stderr.write(`bench:attack: ${text}\n`);

const ms = (value: number) => (Number.isNaN(value) ? '–' : String(Math.round(value)));
const times = (f: JoinFigures) =>
  `${ms(percentile(f.latencies, 50))} / ${ms(percentile(f.latencies, 99))}`;
const failed = (f: JoinFigures) => {
  const total = Object.values(f.failures).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(f.failures).map(([kind, n]) => `${kind} ${n}`);
  return `${total} of ${total + f.latencies.length}${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
};

it('reports each attack', { timeout: (SECONDS + 40) * 1000 * SCENARIOS.length }, async () => {
  const rows: string[][] = [];
  for (const scenario of SCENARIOS) {
    progress(`${scenario.name}: quiet joins`);
    const server = await startSoakServer(scenario.env);
    const quiet = await joinLoop(server.url, { ...scenario.joins, durationMs: 3_000 });
    let peakRss = server.rss();
    let peakFds = server.descriptors();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, server.rss());
      peakFds = Math.max(peakFds, server.descriptors());
    }, 250);
    progress(`${scenario.name}: attacking for ${SECONDS} s`);
    const stop = await scenario.attack(server.url, server.port);
    const loud = await joinLoop(server.url, { ...scenario.joins, durationMs: SECONDS * 1000 });
    const alive = server.alive();
    // NaN when the server is gone or too busy to answer /metrics (an old build under attack).
    const cut = alive
      ? await server.counter('icelane_connections_cut_total').catch(() => NaN)
      : NaN;
    clearInterval(sampler);
    progress(`${scenario.name}: stopping`);
    await stop();
    await server.stop();
    rows.push([
      scenario.name,
      alive ? 'yes' : 'no',
      String(Math.round(peakRss / MB)),
      String(peakFds),
      times(quiet),
      times(loud),
      failed(loud),
      Number.isNaN(cut) ? '–' : String(cut),
    ]);
  }
  const header = [
    'attack',
    'up',
    'peak RSS MB',
    'peak fds',
    'join p50/p99 quiet',
    'under attack',
    'joins failed',
    'cut',
  ];
  console.log(
    [`server: ${SOAK_SERVER}, ${SECONDS} s per attack`, table([header, ...rows])].join('\n'),
  );
});

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}
