// Builds of the server side by side in one run: this checkout's build and that of each git ref
// given, each against bare socket.io. Where a join's cost went between two commits is a
// difference of a few microseconds, less than this machine's speed moves between runs, so the
// builds are measured in the same sessions, in fresh processes each session, in turns.
//
//   pnpm run bench:server:compare -- <ref>... [--sessions N]
//
// Prints each build's server CPU per join+leave over bare's (median round of a session; mean,
// lowest and highest over the sessions) and its closed-loop joins/s over bare's. It measures; it
// never fails on a figure.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { printTable } from '../lib/table.mjs';
import { killAllChildren } from './children.mjs';
import { cpuDuring, withRigs } from './measure.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLOUDFLARE_FAKE = join(ROOT, 'packages/testing/src/cloudflare-fake.ts');

export const compareDefaults = {
  sockets: 1_000,
  /** Fresh server processes per session: a process's own speed varies more than its rounds. */
  sessions: 6,
  roundsPerSession: 5,
  joinsPerRound: 4_000,
  concurrency: 50,
  warmupJoins: 1_000,
};

const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

/** A worktree of `ref` with the protocol and the server built; removed by `remove`. */
async function buildRef(ref, parent) {
  const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: ROOT })
    .toString()
    .trim();
  const dir = join(parent, commit);
  run('git', ['worktree', 'add', '--detach', dir, commit], ROOT);
  const remove = () => run('git', ['worktree', 'remove', '--force', dir], ROOT);
  try {
    try {
      run('pnpm', ['install', '--offline', '--frozen-lockfile', '--silent'], dir);
    } catch {
      run('pnpm', ['install', '--frozen-lockfile', '--silent'], dir);
    }
    run(
      'pnpm',
      ['--filter', '@icelane/protocol', '--filter', '@icelane/server', 'run', 'build'],
      dir,
    );
  } catch (error) {
    remove();
    throw error;
  }
  return {
    label: ref === commit ? commit : `${ref} (${commit})`,
    dist: join(dir, 'packages/server/dist/index.js'),
    remove,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One session: fresh processes for bare and every build, rounds in turns. */
function session(builds, cloudflare, o, reversed) {
  const kinds = ['bare', ...(reversed ? [...builds].reverse() : builds)];
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

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--sessions');
  const o = { ...compareDefaults };
  if (at >= 0) o.sessions = Number(args.splice(at, 2)[1]);
  if (!Number.isInteger(o.sessions) || o.sessions < 1) throw new Error('--sessions wants a count');
  const refs = args.filter((arg) => arg !== '--');

  const parent = await mkdtemp(join(tmpdir(), 'icelane-compare-'));
  const built = [];
  const { module } = await runnerImport(CLOUDFLARE_FAKE, { configFile: false, logLevel: 'silent' });
  const fake = await module.startCloudflareFake();
  try {
    for (const ref of refs) {
      process.stderr.write(`building ${ref}…\n`);
      built.push(await buildRef(ref, parent));
    }
    const builds = [
      ...built.map(({ label, dist }) => ({ kind: 'icelane', label, dist })),
      { kind: 'icelane', label: 'this checkout', dist: '' },
    ];
    const cloudflare = { apiUrl: fake.url, keyId: fake.keyId, token: fake.token };
    const results = Object.fromEntries(builds.map(({ label }) => [label, []]));
    for (let i = 0; i < o.sessions; i++) {
      process.stderr.write(`session ${i + 1} of ${o.sessions}…\n`);
      const figures = await session(builds, cloudflare, o, i % 2 === 1);
      for (const [label, each] of Object.entries(figures)) results[label].push(each);
    }
    const fixed = (value) => value.toFixed(2);
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
  } finally {
    await fake.close();
    for (const { remove } of built) remove();
    await rm(parent, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  killAllChildren();
  process.exitCode = 1;
});
