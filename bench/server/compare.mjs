// Builds of the server side by side in one run: this checkout's build and that of each git ref
// given, each against bare socket.io. Where a join's cost went between two commits is a
// difference of a few microseconds, less than this machine's speed moves between runs, so the
// builds are measured in the same sessions, in fresh processes each session, in turns.
//
//   pnpm run bench:server:compare -- <ref>... [--sessions N] [--in-process]
//
// Prints each build's server CPU per join+leave over bare's (median round of a session; mean,
// lowest and highest over the sessions) and its closed-loop joins/s over bare's. `--in-process`
// measures the join+leave path alone instead (join-path.mjs): µs per cycle, every build in one
// process. It measures; it never fails on a figure.
import { printTable } from '../lib/table.mjs';
import { withBuilds } from './builds.mjs';
import { runBenchmark } from './children.mjs';
import { measureJoinPath } from './join-path.mjs';
import { median } from './latency.mjs';
import { cpuDuring, withRigs } from './measure.mjs';
import { startProviderFake } from './provider-fake.mjs';

export const compareDefaults = {
  sockets: 1_000,
  /** Fresh server processes per session: a process's own speed varies more than its rounds. */
  sessions: 6,
  roundsPerSession: 5,
  joinsPerRound: 4_000,
  concurrency: 50,
  warmupJoins: 1_000,
};

/** `--in-process`: the builds share a process, so fewer sockets each and more, shorter rounds. */
export const joinPathDefaults = {
  sockets: 500,
  rounds: 9,
  joinsPerRound: 20_000,
  concurrency: 50,
  warmupJoins: 20_000,
};

/** One session: fresh processes for bare and every build, rounds in turns. */
function session(builds, cloudflare, o, reversed) {
  const icelane = builds.map((build) => ({ kind: 'icelane', ...build }));
  const kinds = ['bare', ...(reversed ? icelane.reverse() : icelane)];
  return withRigs(kinds, cloudflare, async (rigs) => {
    for (const rig of rigs) {
      await rig.load.request('connect', { url: rig.url, count: o.sockets });
      await rig.load.request('closedLoop', { concurrency: o.concurrency, joins: o.warmupJoins });
      rig.rounds = [];
    }
    for (let round = 0; round < o.roundsPerSession; round++) {
      for (const rig of round % 2 ? [...rigs].reverse() : rigs) {
        rig.rounds.push(
          await cpuDuring(rig, () =>
            rig.load.request('closedLoop', { concurrency: o.concurrency, joins: o.joinsPerRound }),
          ),
        );
      }
    }
    const figures = (rig) => ({
      cpuUs: median(rig.rounds.map((r) => r.serverCpuUsPerJoin)),
      joinsPerSecond: median(rig.rounds.map((r) => r.joinsPerSecond)),
    });
    const bare = figures(rigs[0]);
    return Object.fromEntries(
      rigs.slice(1).map((rig) => {
        const own = figures(rig);
        return [
          rig.label,
          { cpuRatio: own.cpuUs / bare.cpuUs, rateRatio: own.joinsPerSecond / bare.joinsPerSecond },
        ];
      }),
    );
  });
}

const fixed = (value) => value.toFixed(2);

async function compareInClosedLoop(builds, cloudflare, o) {
  const results = Object.fromEntries(builds.map(({ label }) => [label, []]));
  for (let i = 0; i < o.sessions; i++) {
    process.stderr.write(`session ${i + 1} of ${o.sessions}…\n`);
    const figures = await session(builds, cloudflare, o, i % 2 === 1);
    for (const [label, each] of Object.entries(figures)) results[label].push(each);
  }
  printTable([
    ['build', 'server CPU / bare (mean)', 'lowest – highest', 'joins/s / bare (median)'],
    ...builds.map(({ label }) => {
      const cpu = results[label].map((r) => r.cpuRatio);
      const mean = cpu.reduce((sum, value) => sum + value, 0) / cpu.length;
      return [
        label,
        fixed(mean),
        `${fixed(Math.min(...cpu))} – ${fixed(Math.max(...cpu))}`,
        fixed(median(results[label].map((r) => r.rateRatio))),
      ];
    }),
  ]);
  console.log(
    `\n${o.sessions} sessions, ${o.sockets} sockets per server, ${o.roundsPerSession} rounds of ${o.joinsPerRound} joins each`,
  );
}

async function compareInProcess(builds, cloudflare) {
  const o = joinPathDefaults;
  process.stderr.write(`measuring the join path of ${builds.length} builds in one process…\n`);
  const figures = await measureJoinPath(builds, cloudflare, o);
  printTable([
    ['build', 'CPU µs per join+leave (median)', 'lowest – highest'],
    ...figures.map((f) => [
      f.label,
      fixed(f.medianUs),
      `${fixed(f.lowestUs)} – ${fixed(f.highestUs)}`,
    ]),
  ]);
  console.log(
    `\n${o.rounds} rounds of ${o.joinsPerRound} joins per build, taken in turns; ${o.sockets} sockets per server, ${o.concurrency} cycles in flight`,
  );
}

async function main() {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const o = { ...compareDefaults };
  const at = args.indexOf('--sessions');
  if (at >= 0) o.sessions = Number(args.splice(at, 2)[1]);
  if (!Number.isInteger(o.sessions) || o.sessions < 1) throw new Error('--sessions wants a count');
  const inProcess = args.includes('--in-process');
  const refs = args.filter((arg) => arg !== '--in-process');

  const { fake, cloudflare } = await startProviderFake();
  try {
    await withBuilds(refs, (builds) =>
      inProcess ? compareInProcess(builds, cloudflare) : compareInClosedLoop(builds, cloudflare, o),
    );
  } finally {
    await fake.close();
  }
}

runBenchmark(main);
