/**
 * Recovery through the NAT lab: per scenario, calls that meet the incident with the SDK's
 * `recovery: true` and, side by side in the same run, `recovery: false` (the behaviour before
 * issue 11, the baseline). Figures are printed as a table and written to
 * bench/results/recovery.json. Nothing here fails on a time: a scenario fails only when none of
 * its calls could be made at all.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import {
  watchCall,
  type HeldSide,
  skipUnlessLabCanRun,
  test,
  type LabFixtures,
  SCENARIOS,
  describeSide,
  newStreams,
  planOf,
  recoveriesOf,
  scenarioLabOptions,
  type LinkProfileName,
  type RecoveryScenario,
  type ScenarioId,
} from '@icelane/testing/nat-lab';
import { linksOn, profilesFrom } from '../lib/profiles.js';
import { ratingShares } from './rating-shares.js';
import { recordSilences, type SideRecord } from './silence-record.js';
import { sampleLoad, silencesOf } from './silence-report.js';
import {
  figuresOf,
  printFigures,
  writeFigures,
  type Mode,
  type RunSample,
  type ScenarioFigures,
} from './report.js';

const RESULTS =
  process.env.BENCH_RECOVERY_RESULTS ||
  fileURLToPath(new URL('../results/recovery.json', import.meta.url));
const RUNS = Number(process.env.BENCH_RECOVERY_RUNS ?? 10);
const STRATEGY = (process.env.BENCH_RECOVERY_STRATEGY ?? 'auto') as 'auto' | 'relay';
/** Long enough after the incident for the baseline's own, slow recovery to show. */
const WATCH_MS = Number(process.env.BENCH_RECOVERY_WATCH_MS ?? 25_000);
const SIDE_BY_SIDE = process.env.BENCH_RECOVERY_SIDE_BY_SIDE !== '0';
/** Scenarios run at once, each in a worker of its own (playwright.config.ts reads the same). */
const WORKERS = Number(process.env.BENCH_RECOVERY_WORKERS ?? 1);
/** The link profiles besides the perfect links (`BENCH_RECOVERY_PROFILES=lte-good,3g`). */
const PROFILES: LinkProfileName[] = ['perfect', ...profilesFrom('BENCH_RECOVERY_PROFILES')];

const BENCH_SCENARIOS: ScenarioId[] = [
  'control',
  'rebinding',
  'handover',
  'turn-restart',
  'blackout',
];
const MODES: Record<Mode, boolean> = { recovery: true, baseline: false };
/** The modes each run makes (`BENCH_RECOVERY_MODES=recovery`: a hold without the baseline). */
const RUN_MODES = modesFrom(process.env.BENCH_RECOVERY_MODES ?? 'recovery,baseline');

skipUnlessLabCanRun();
test.describe.configure({ mode: WORKERS > 1 ? 'parallel' : 'serial' });

const figures: ScenarioFigures[] = [];
let browserVersion = 'unknown';
const startedAt = new Date().toISOString();
/** Other work on the machine (the lab's browsers share its cores): the load when the run began. */
const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
/** Read now: the calls run the code built when the run began, whatever is committed meanwhile. */
const measured = commitMeasured();

for (const [id, profile] of BENCH_SCENARIOS.flatMap((id) =>
  PROFILES.map((p) => [id, p] as const),
)) {
  const scenario = SCENARIOS[id];
  const title = profile === 'perfect' ? scenario.title : `${scenario.title}, on ${profile}`;
  test(title, async ({ lab }) => {
    const samples: Record<Mode, RunSample[]> = { recovery: [], baseline: [] };
    for (let i = 0; i < RUNS; i++) {
      const run = async (mode: Mode) => {
        const sample = await oneRun(lab, scenario, MODES[mode], profile);
        samples[mode].push(sample);
        const said = sample.ok
          ? `data gap ${sample.dataGapMs} ms, video gap ${sample.videoGapMs} ms, ` +
            `${sample.newStreams} new streams, ${sample.recoveries} recoveries, ` +
            `${sample.reconnects} reconnecting\n    a: ${sample.story[0]}\n    b: ${sample.story[1]}` +
            `\n    timelines from ${sample.zeroAt}` +
            `\n    a timeline: ${sample.timeline[0]}\n    b timeline: ${sample.timeline[1]}` +
            `\n    a rated: ${sample.rated[0]}\n    b rated: ${sample.rated[1]}` +
            `\n    a silences: ${sample.silences.a.join('\n      ')}` +
            `\n    b silences: ${sample.silences.b.join('\n      ')}` +
            `\n    load ${sample.silences.load}`
          : `failed: ${sample.error}`;
        console.log(
          `${id}${profile === 'perfect' ? '' : `@${profile}`} ${mode} run ${i + 1}/${RUNS}: ${said}`,
        );
      };
      if (SIDE_BY_SIDE) await Promise.all(RUN_MODES.map(run));
      else for (const mode of RUN_MODES) await run(mode);
    }
    figures.push({
      id: profile === 'perfect' ? id : `${id}@${profile}`,
      title,
      profile,
      strategy: STRATEGY,
      watchMs: WATCH_MS,
      modes: Object.fromEntries(RUN_MODES.map((mode) => [mode, figuresOf(samples[mode])])),
    });
    if (RUN_MODES.flatMap((mode) => samples[mode]).every((s) => !s.ok)) {
      throw new Error(`no call of "${title}" could be made`);
    }
  });
}

/** The modes named in `BENCH_RECOVERY_MODES`; an unknown name is a clear error. */
function modesFrom(raw: string): Mode[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(name in MODES));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`BENCH_RECOVERY_MODES: "${raw}" (known: ${Object.keys(MODES).join(', ')})`);
  }
  return names as Mode[];
}

/** One call in a lab of its own, through the scenario's incident. */
async function oneRun(
  lab: LabFixtures['lab'],
  scenario: RecoveryScenario,
  recovery: boolean,
  profile: LinkProfileName,
): Promise<RunSample> {
  let network: Awaited<ReturnType<LabFixtures['lab']>> | undefined;
  const load = sampleLoad();
  try {
    network = await lab({ ...scenarioLabOptions(scenario, SDK_PAGE_DIR), ...linksOn(profile) });
    browserVersion = (await network.browser('a')).version();
    const records: Record<'a' | 'b', SideRecord> = { a: { entries: [] }, b: { entries: [] } };
    recordSilences(await network.browser('a'), records.a);
    recordSilences(await network.browser('b'), records.b);
    const options = { strategy: STRATEGY, recovery };
    const plan = { ...planOf(scenario, network), afterMs: WATCH_MS };
    const call = await watchCall(network, { a: options, b: options }, plan);
    const sides = [call.a, call.b];
    const recoveries = sides.flatMap(recoveriesOf);
    // The control call has no incident: its timeline counts from when one would have been.
    const zero = call.incident?.startedAt ?? call.startedAt + scenario.beforeMs;
    return {
      ok: true,
      dataGapMs: Math.max(...sides.map((s) => s.dataGapMs)),
      videoGapMs: Math.max(...sides.map((s) => s.videoGapMs)),
      newStreams: sides.reduce((sum, s) => sum + newStreams(s), 0),
      recoveries: recoveries.length,
      causes: recoveries.map((r) => `${r.cause}/${r.step}/${r.outcome}`),
      reconnects: sides.reduce((sum, s) => sum + reconnects(s), 0),
      dataBack: sides.every((s) => s.receivedInLast2s > 10),
      story: [describeSide(call.a), describeSide(call.b)],
      timeline: [timelineOf(call.a, zero), timelineOf(call.b, zero)],
      zeroAt: new Date(zero).toISOString(),
      rated: [ratingShares(call.a, call.endedAt), ratingShares(call.b, call.endedAt)],
      silences: silencesOf(call, records, load.samples),
    };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message.split('\n')[0]! : String(error),
    };
  } finally {
    load.stop();
    await network?.close();
  }
}

/** `peer:state` `reconnecting` episodes of a side: in the control call, each is a false alarm. */
function reconnects(side: HeldSide): number {
  return side.events.filter(
    (e) => e.event === 'peer:state' && (e.payload as { state: string }).state === 'reconnecting',
  ).length;
}

/**
 * What a side's SDK said after connecting, each event at its time from the incident's start
 * (`+1134 reconnecting`), so the parts of a gap (detection, signaling, the restart) can be read.
 */
function timelineOf(side: HeldSide, zero: number): string {
  const shown = side.events.flatMap((e) => {
    const p = e.payload as Record<string, unknown>;
    const what =
      e.event === 'peer:state'
        ? String(p.state)
        : e.event === 'signaling'
          ? `signaling ${String(p.state)}`
          : e.event === 'recovery'
            ? `recovery ${String(p.cause)}/${String(p.step)}/${String(p.outcome)} gap ${String(p.gapMs)}`
            : e.event === 'report'
              ? `report ${pathOf(p.report)}`
              : e.event === 'fallback'
                ? `fallback ${String(p.reason)}`
                : e.event === 'error'
                  ? `error ${String(p.code)}`
                  : e.event === 'stream'
                    ? 'stream'
                    : undefined;
    return what ? [`${e.at - zero >= 0 ? '+' : ''}${e.at - zero} ${what}`] : [];
  });
  return shown.join(', ') || 'none';
}

function pathOf(report: unknown): string {
  const r = report as { local?: { type?: string }; remote?: { type?: string } } | undefined;
  return `${r?.local?.type ?? '?'}->${r?.remote?.type ?? '?'}`;
}

/** The commit measured, and whether the SDK, server or lab differed from it in the working tree. */
function commitMeasured(): { commit: string; dirty: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'packages', 'e2e').split('\n').filter(Boolean);
    return { commit: git('rev-parse', 'HEAD'), dirty };
  } catch {
    return { commit: 'unknown', dirty: [] };
  }
}

test.afterAll(async () => {
  if (figures.length === 0) return;
  console.log(`\nRecovery, ${STRATEGY}, symmetric / symmetric video calls:\n`);
  await printFigures(figures);
  const { commit, dirty } = measured;
  // Workers beside each other each write their own scenarios' figures.
  const results =
    WORKERS > 1 ? RESULTS.replace(/(\.json)?$/, `.${test.info().parallelIndex}$1`) : RESULTS;
  await writeFigures(results, {
    measuredAt: new Date().toISOString(),
    startedAt,
    commit,
    ...(dirty.length > 0 ? { uncommittedChanges: dirty } : {}),
    machine: { cpus: cpus().length, kernel: release(), browser: `Chromium ${browserVersion}` },
    loadAverage: {
      atStart: loadAtStart,
      atEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    method:
      'NAT lab (network namespaces, coturn and the icelane server on the public segment), ' +
      'symmetric / symmetric, real video calls (camera granted on a secure origin, 320x240 at ' +
      '15 fps) with a data message every 100 ms both ways; a lab per call; the incident on side ' +
      `a ${3} s after traffic starts, then ${WATCH_MS / 1000} s watched. Gaps: the longer side's ` +
      'longest stretch without a data message / a new decoded frame. "recovery" is the SDK ' +
      `with recovery: true, "baseline" with recovery: false; modes run: ${RUN_MODES.join(', ')}` +
      (SIDE_BY_SIDE && RUN_MODES.length > 1 ? ' (both calls at once)' : '') +
      (WORKERS > 1 ? `; ${WORKERS} scenarios at once` : '') +
      ". p95 by nearest rank. Profile: the link both clients were on (the lab's link " +
      'emulator; perfect = plain veths; a handover moves side a onto a plain veth).',
    runsPerScenario: RUNS,
    scenarios: figures,
  });
  console.log(`Figures written to ${results}`);
});
