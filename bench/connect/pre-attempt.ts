/**
 * The part of join → open before the first attempt starts, step by step: socket.io's handshake
 * (the transport opening, long-polling's upgrade to WebSocket, socket.io's CONNECT), the join and
 * its answer, and the first peer hearing of the newcomer. Timed in the pages from what went over
 * the wire (signaling-wire.ts), on b's clock start (b's `joinRoom` called); summarized per scenario
 * in ms and in client–server round trips.
 */
import type { SignalingSteps } from '@icelane/testing/browser-suite';
import { numbers, summarize, tally, type Summary } from '../lib/stats.js';

/** One call's steps, in ms from b's `joinRoom` called. */
export interface PreAttemptSteps extends SignalingSteps {
  /** a (already in the room) heard that b joined: `peer:joined` arrived. */
  announcedMs?: number;
  /** b's first attempt began: its link to a was made from the join answer. */
  attemptStartedMs?: number;
}

export const STEP_NAMES = [
  'transportOpenMs',
  'upgradedMs',
  'connectedMs',
  'joinSentMs',
  'joinAnsweredMs',
  'announcedMs',
  'attemptStartedMs',
] as const satisfies readonly (keyof PreAttemptSteps)[];

const STEP_TITLES: Record<(typeof STEP_NAMES)[number], string> = {
  transportOpenMs: 'transport open',
  upgradedMs: 'upgraded to WebSocket',
  connectedMs: 'socket.io connected',
  joinSentMs: 'join sent',
  joinAnsweredMs: 'join answered',
  announcedMs: 'a hears of b',
  attemptStartedMs: 'attempt started',
};

export interface PreAttemptFigures {
  steps: Partial<Record<(typeof STEP_NAMES)[number], Summary>>;
  /** Polling requests b sent until its join was answered, with how many calls sent each count. */
  polls: Record<string, number>;
  /** The transport b's join went out on, with how many calls. */
  joinTransport: Record<string, number>;
}

export function preAttemptFigures(calls: PreAttemptSteps[]): PreAttemptFigures | undefined {
  if (calls.length === 0) return undefined;
  const steps: PreAttemptFigures['steps'] = {};
  for (const name of STEP_NAMES) {
    const summary = summarize(numbers(calls.map((call) => call[name])));
    if (summary) steps[name] = summary;
  }
  return {
    steps,
    polls: tally(calls.map((call) => String(call.polls))),
    joinTransport: tally(calls.map((call) => call.joinTransport ?? 'none')),
  };
}

/** A row's figures for {@link formatPreAttemptTable}. */
export interface PreAttemptRow {
  title: string;
  profile: string;
  rttMs: number;
  preAttempt?: PreAttemptFigures;
}

/** A Markdown table: each step's median / p95 in ms from b's join, and the median in RTTs. */
export function formatPreAttemptTable(rows: PreAttemptRow[]): string {
  const header = ['scenario', 'link', ...STEP_NAMES.map((n) => STEP_TITLES[n]), 'polls', 'join on'];
  const lines = rows.flatMap((row) => {
    const figures = row.preAttempt;
    if (!figures) return [];
    const inRtts = (ms: number) =>
      row.rttMs > 0 ? ` (${Math.round((ms / row.rttMs) * 10) / 10})` : '';
    const cells = STEP_NAMES.map((name) => {
      const summary = figures.steps[name];
      return summary ? `${summary.medianMs} / ${summary.p95Ms}${inRtts(summary.medianMs)}` : '–';
    });
    const counts = (t: Record<string, number>) =>
      Object.entries(t)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ');
    return [
      [row.title, row.profile, ...cells, counts(figures.polls), counts(figures.joinTransport)],
    ];
  });
  return [header, header.map(() => '---'), ...lines].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
