/**
 * Turns the runs of each scenario into figures, per mode (the SDK's recovery on, and off as the
 * baseline): longest data and video gap (median / p95, the worse side of each call), new `stream`
 * events, recovery events (false alarms in the control run), runs that never got data back.
 */
import type { LinkProfileName } from '@icelane/testing/nat-lab';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { summarize, type Summary } from '../lib/stats.js';
import type { SilenceEntry } from './silence-record.js';

export type Mode = 'recovery' | 'baseline';

/** One call through one incident. */
export type RunSample =
  | {
      ok: true;
      /** The longer of the two sides' longest stretches without data. */
      dataGapMs: number;
      videoGapMs: number;
      /** `stream` events after connecting, both sides. */
      newStreams: number;
      /** `recovery` events, both sides. */
      recoveries: number;
      /** `peer:state` `reconnecting` episodes, both sides (false alarms in the control call). */
      reconnects: number;
      causes: string[];
      /** Both sides received data in the last two seconds of the watch. */
      dataBack: boolean;
      /** What each side's SDK said, one line a side. */
      story: [string, string];
      /** Each side's events after connecting, in ms from the incident's start. */
      timeline: [string, string];
      /** When the timelines' zero was (ISO), to line them up with what else the machine logged. */
      zeroAt: string;
      /** Each side's time under each quality rating (rating-shares.ts). */
      rated: [string, string];
      /** Each side's far-side silences and alarms (silence-record.ts), with the raw record. */
      silences: {
        a: string[];
        b: string[];
        /** The 1-minute load over the hold, lowest-highest. */
        load: string;
        records: Record<'a' | 'b', SilenceEntry[]>;
        startedAt: number;
        endedAt: number;
      };
    }
  | { ok: false; error: string };

export interface ModeFigures {
  runs: number;
  failedRuns: number;
  /** Runs where data was not flowing again on both sides by the end of the watch. */
  notRecovered: number;
  dataGap?: Summary;
  videoGap?: Summary;
  newStreams: number;
  runsWithNewStream: number;
  recoveryEvents: number;
  reconnectingEpisodes: number;
  /** Runs with a `recovery` event or a `reconnecting` episode (in the control: false alarms). */
  runsWithRecovery: number;
  causes: Record<string, number>;
  samples: RunSample[];
}

export interface ScenarioFigures {
  id: string;
  title: string;
  /** The link profile both clients were on. */
  profile: LinkProfileName;
  strategy: string;
  watchMs: number;
  modes: Partial<Record<Mode, ModeFigures>>;
}

export function figuresOf(samples: RunSample[]): ModeFigures {
  const ok = samples.filter((s) => s.ok);
  const causes: Record<string, number> = {};
  for (const cause of ok.flatMap((s) => s.causes)) causes[cause] = (causes[cause] ?? 0) + 1;
  return {
    runs: samples.length,
    failedRuns: samples.length - ok.length,
    notRecovered: ok.filter((s) => !s.dataBack).length,
    dataGap: summarize(ok.map((s) => s.dataGapMs)),
    videoGap: summarize(ok.map((s) => s.videoGapMs)),
    newStreams: ok.reduce((sum, s) => sum + s.newStreams, 0),
    runsWithNewStream: ok.filter((s) => s.newStreams > 0).length,
    recoveryEvents: ok.reduce((sum, s) => sum + s.recoveries, 0),
    reconnectingEpisodes: ok.reduce((sum, s) => sum + s.reconnects, 0),
    runsWithRecovery: ok.filter((s) => s.recoveries > 0 || s.reconnects > 0).length,
    causes,
    samples,
  };
}

const ms = (summary?: Summary) => (summary ? `${summary.medianMs} / ${summary.p95Ms}` : '-');

/** bench/lib's table printer (plain JavaScript, shared with the other benchmarks). */
async function printTable(rows: (string | number)[][]): Promise<void> {
  const table = (await import(new URL('../lib/table.mjs', import.meta.url).href)) as {
    printTable: (rows: (string | number)[][]) => void;
  };
  table.printTable(rows);
}

export async function printFigures(scenarios: ScenarioFigures[]): Promise<void> {
  const rows: (string | number)[][] = [
    [
      'scenario',
      'mode',
      'runs',
      'data gap ms (med / p95)',
      'video gap ms (med / p95)',
      'new streams',
      'recovery events',
      'reconnecting',
      'data not back',
      'failed runs',
    ],
  ];
  for (const scenario of scenarios) {
    for (const [mode, f] of Object.entries(scenario.modes)) {
      const events = scenario.id.startsWith('control')
        ? `${f.recoveryEvents} (false alarms)`
        : f.recoveryEvents;
      rows.push([
        scenario.id,
        mode,
        f.runs,
        ms(f.dataGap),
        ms(f.videoGap),
        f.newStreams,
        events,
        f.reconnectingEpisodes,
        f.notRecovered,
        f.failedRuns,
      ]);
    }
  }
  await printTable(rows);
}

export async function writeFigures(path: string, results: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}
