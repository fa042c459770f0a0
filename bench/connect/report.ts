/**
 * Turns the calls of each scenario into figures: median and p95 of join → data channel open and
 * of each phase the SDK reported, and how many held calls stayed up, printed as a table and
 * written as JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ConnectPhases } from '@icelane/sdk';
import type { BaselineRunResult } from './baseline-run.js';
import { preAttemptFigures, type PreAttemptFigures } from './pre-attempt.js';
import { linkRttMs, type CallMode, type Scenario } from './scenarios.js';
import type { SdkRunResult } from './sdk-run.js';
import { numbers, summarize, tally, type Summary } from '../lib/stats.js';

export const PHASE_NAMES = [
  'signalingMs',
  'gatheringMs',
  'checksMs',
  'dtlsMs',
  'dataChannelMs',
  'totalMs',
] as const satisfies readonly (keyof ConnectPhases)[];

export interface ScenarioFigures {
  id: string;
  title: string;
  nat: Scenario['nat'];
  /**
   * The link profile both clients were on (or a raw link's label, e.g. `uplink 800 ms`), and the
   * round trip it adds to the server.
   */
  profile: string;
  rttMs: number;
  /** join → open divided by `rttMs` (median / p95), on a profile with a round trip. */
  joinToOpenRtts?: { median: number; p95: number };
  /** SDK scenarios: addresses hidden, or a real video call. */
  mode?: CallMode;
  /** Only when coturn was left to relay to the clients' private addresses. */
  relayRefusesPrivatePeers?: false;
  options?: unknown;
  calls: number;
  failedCalls: number;
  errors: string[];
  joinToOpen?: Summary;
  /** SDK scenarios: the offerer's (side b's) reported phases. */
  phases?: Partial<Record<(typeof PHASE_NAMES)[number], Summary>>;
  /** SDK scenarios: the steps before the first attempt (pre-attempt.ts). */
  preAttempt?: PreAttemptFigures;
  /** SDK scenarios: the report's `timeToConnectMs` on the offerer. */
  timeToConnect?: Summary;
  /** SDK scenarios: attempts and selected pairs seen, with how many calls had each. */
  attempts?: Record<string, number>;
  pairs?: Record<string, number>;
  /**
   * SDK scenarios whose calls were held: how many held (of all the calls, those that never
   * connected included), and per held call the longest stretch without data (either side) and,
   * in video calls, without a new frame.
   */
  hold?: { holdMs: number; held: number; of: number; dataGap?: Summary; videoGap?: Summary };
  /** TURN allocations coturn made during the counted calls (both sides, every attempt). */
  allocations?: number;
  /** Baseline: when the browser said `failed`, and the relay attempt alone. */
  failedAfter?: Summary;
  relayAttempt?: Summary;
  samples: (SdkRunResult | BaselineRunResult)[];
}

export function figuresOf(
  scenario: Scenario,
  samples: (SdkRunResult | BaselineRunResult)[],
): ScenarioFigures {
  const ok = samples.filter((s) => s.ok);
  const figures: ScenarioFigures = {
    id: scenario.id,
    title: scenario.title,
    nat: scenario.nat,
    profile: scenario.link?.label ?? scenario.profile,
    rttMs: linkRttMs(scenario),
    ...(scenario.kind === 'sdk' ? { mode: scenario.mode } : {}),
    ...(scenario.kind === 'sdk' && scenario.relayRefusesPrivatePeers === false
      ? { relayRefusesPrivatePeers: false as const }
      : {}),
    ...(scenario.kind === 'sdk' ? { options: scenario.options } : {}),
    calls: samples.length,
    failedCalls: samples.length - ok.length,
    errors: samples.flatMap((s) => (s.error ? [s.error] : [])),
    samples,
  };
  const joinToOpen = summarize(numbers(ok.map((s) => s.joinToOpenMs)));
  if (joinToOpen) figures.joinToOpen = joinToOpen;
  if (joinToOpen && figures.rttMs > 0) {
    const inRtts = (ms: number) => Math.round((ms / figures.rttMs) * 10) / 10;
    figures.joinToOpenRtts = { median: inRtts(joinToOpen.medianMs), p95: inRtts(joinToOpen.p95Ms) };
  }
  if (scenario.kind === 'sdk') {
    const offerers = (ok as SdkRunResult[]).flatMap((s) => (s.offerer ? [s.offerer] : []));
    figures.phases = {};
    for (const name of PHASE_NAMES) {
      const summary = summarize(numbers(offerers.map((o) => o.phases?.[name])));
      if (summary) figures.phases[name] = summary;
    }
    const preAttempt = preAttemptFigures(
      (ok as SdkRunResult[]).flatMap((s) => (s.preAttempt ? [s.preAttempt] : [])),
    );
    if (preAttempt) figures.preAttempt = preAttempt;
    const timeToConnect = summarize(offerers.map((o) => o.timeToConnectMs));
    if (timeToConnect) figures.timeToConnect = timeToConnect;
    figures.attempts = tally(offerers.map((o) => `attempt ${o.attempt}`));
    figures.pairs = tally(offerers.map((o) => o.pair));
    if (scenario.holdMs > 0) {
      const holds = (ok as SdkRunResult[]).flatMap((s) => (s.hold ? [s.hold] : []));
      const dataGap = summarize(holds.map((h) => h.dataGapMs));
      const videoGap = summarize(numbers(holds.map((h) => h.videoGapMs)));
      figures.hold = {
        holdMs: scenario.holdMs,
        held: holds.filter((h) => h.held).length,
        of: samples.length,
        ...(dataGap ? { dataGap } : {}),
        ...(videoGap ? { videoGap } : {}),
      };
    }
  } else {
    const baseline = ok as BaselineRunResult[];
    const failedAfter = summarize(numbers(baseline.map((s) => s.failedAfterMs)));
    const relayAttempt = summarize(numbers(baseline.map((s) => s.relayAttemptMs)));
    if (failedAfter) figures.failedAfter = failedAfter;
    if (relayAttempt) figures.relayAttempt = relayAttempt;
  }
  return figures;
}

const cell = (summary: Summary | undefined) =>
  summary ? `${summary.medianMs} / ${summary.p95Ms}` : '–';

/** A call's longest gap, over the held calls: median and the worst, in ms. */
const gaps = (summary: Summary | undefined) =>
  summary ? `${summary.medianMs} ms median, ${summary.maxMs} ms worst` : '–';

/** `held 30 s` when every held scenario was held as long. */
function heldHeader(all: ScenarioFigures[]): string {
  const lengths = new Set(all.flatMap((f) => (f.hold ? [f.hold.holdMs] : [])));
  return lengths.size === 1 ? `held ${[...lengths][0]! / 1000} s` : 'held';
}

/** A Markdown table: each cell is `median / p95` in ms; `held` is calls held / calls. */
export function formatTable(all: ScenarioFigures[]): string {
  const header = [
    'scenario',
    'mode',
    'link',
    'calls',
    'join → open',
    'in RTTs',
    'signaling',
    'gathering',
    'checks',
    'DTLS',
    'data channel',
    'attempt total',
    'TURN allocations',
    heldHeader(all),
  ];
  const rows = all.map((f) => [
    f.title,
    f.mode ?? '–',
    f.profile,
    `${f.calls - f.failedCalls}/${f.calls}`,
    cell(f.joinToOpen),
    f.joinToOpenRtts ? `${f.joinToOpenRtts.median} / ${f.joinToOpenRtts.p95}` : '–',
    ...PHASE_NAMES.map((name) => cell(f.phases?.[name])),
    f.allocations === undefined ? '–' : String(f.allocations),
    f.hold ? `${f.hold.held}/${f.hold.of}` : '–',
  ]);
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  const notes = all.flatMap((f) => {
    if (f.failedAfter) {
      return [
        `${f.title}: the browser said failed after ${cell(f.failedAfter)} ms; ` +
          `the relay attempt then took ${cell(f.relayAttempt)} ms`,
      ];
    }
    const seen = [f.attempts, f.pairs].map((t) =>
      Object.entries(t ?? {})
        .map(([k, n]) => `${k} ×${n}`)
        .join(', '),
    );
    const hold = f.hold
      ? `; held ${f.hold.held}/${f.hold.of} for ${f.hold.holdMs / 1000} s, longest data gap ` +
        `${gaps(f.hold.dataGap)}` +
        (f.hold.videoGap ? `, longest video gap ${gaps(f.hold.videoGap)}` : '')
      : '';
    return [
      `${f.title}${f.mode ? ` (${f.mode})` : ''}: ${seen.join('; ')}; ` +
        `timeToConnectMs ${cell(f.timeToConnect)} ms${hold}`,
    ];
  });
  return [...lines, '', ...notes].join('\n');
}

export async function writeFigures(path: string, document: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
}
