/**
 * What issue 11 does to a live call, as scenarios the recovery spec and `bench:recovery` share:
 * each says how to build its lab, what to do to it once the call runs, and which causes the SDK
 * may give for the recovery it should make. Then the one check of the story the SDK told.
 */
import type { RecordedEvent } from '../browser-suite/sdk-page/main.js';
import type { CallSide, HeldSide, HoldPlan, WatchedCall } from './call-hold.js';
import type { IncidentTimes } from './incidents.js';
import type { Lab, LabOptions } from './lab.js';
import type { SideName } from './topology.js';

/** Why the SDK says it recovered (the `recovery` event's `cause`). */
export type RecoveryCause =
  'path-lost' | 'network-change' | 'credentials-expiring' | 'turn-auth' | 'ice-failed';

/** The `recovery` event of the SDK (issue 11), as the test page records it. */
export interface RecoveryEvent {
  peerId: string;
  cause: RecoveryCause;
  step: 'ice-restart' | 'ice-restart-relay' | 'new-connection';
  outcome: 'recovered' | 'failed';
  gapMs: number;
  report?: { relayed: boolean; local: { type: string }; remote: { type: string } };
}

export type ScenarioId =
  'control' | 'rebinding' | 'handover' | 'blackout' | 'turn-restart' | 'credentials';

export interface RecoveryScenario {
  id: ScenarioId;
  title: string;
  /** On top of a symmetric / symmetric video-call lab with the SDK test page. */
  lab: Partial<LabOptions>;
  /** The server's environment on top of the lab's (e.g. a short TURN credential lifetime). */
  serverEnv?: Record<string, string>;
  /** What happens once traffic flows; none in the control call. */
  incident?: (lab: Lab, call: Record<SideName, CallSide>) => Promise<IncidentTimes>;
  beforeMs: number;
  afterMs: number;
  /** The call loses its path: the SDK must say it recovered, for one of `causes`. */
  breaksPath: boolean;
  causes: RecoveryCause[];
}

/** How long the path is lost in the blackout scenario. */
export const BLACKOUT_MS = 3_000;
/** The shortest credential lifetime the server accepts (see packages/server/src/config.ts). */
export const SHORT_TTL_SECONDS = 60;

const lost: RecoveryCause[] = ['path-lost', 'network-change', 'ice-failed'];

export const SCENARIOS: Record<ScenarioId, RecoveryScenario> = {
  control: {
    id: 'control',
    title: 'nothing happens (control: any recovery is a false alarm)',
    lab: {},
    beforeMs: 3_000,
    afterMs: 20_000,
    breaksPath: false,
    causes: [],
  },
  rebinding: {
    id: 'rebinding',
    title: "NAT rebinding (conntrack -F on side a's router)",
    lab: {},
    incident: (lab) => lab.rebind('a'),
    beforeMs: 3_000,
    afterMs: 20_000,
    breaksPath: true,
    causes: lost,
  },
  handover: {
    id: 'handover',
    title: 'Wi-Fi → cellular on side a (new router, new local and public address)',
    lab: { spareRouter: true },
    incident: (lab) => lab.handover('a'),
    beforeMs: 3_000,
    afterMs: 20_000,
    breaksPath: true,
    causes: lost,
  },
  blackout: {
    id: 'blackout',
    title: `side a's path lost for ${BLACKOUT_MS / 1000} s`,
    lab: {},
    incident: (lab) => lab.blackout('a', BLACKOUT_MS),
    beforeMs: 3_000,
    afterMs: 17_000,
    // A short loss may heal by itself: a recovery is allowed, not required.
    breaksPath: false,
    causes: lost,
  },
  'turn-restart': {
    id: 'turn-restart',
    title: 'TURN server killed and started again',
    lab: {},
    incident: (lab) => lab.restartTurn(),
    beforeMs: 3_000,
    afterMs: 20_000,
    breaksPath: true,
    causes: [...lost, 'turn-auth'],
  },
  credentials: {
    id: 'credentials',
    title: `TURN credentials expire during the call (TTL ${SHORT_TTL_SECONDS} s)`,
    lab: {},
    serverEnv: { ICELANE_TURN_TTL_SECONDS: String(SHORT_TTL_SECONDS) },
    incident: (_lab, call) => untilCredentialsExpire(call),
    beforeMs: 1_000,
    afterMs: 20_000,
    breaksPath: true,
    causes: ['credentials-expiring'],
  },
};

/** A symmetric / symmetric video-call lab with the SDK test page, as the scenario wants it. */
export function scenarioLabOptions(
  scenario: RecoveryScenario,
  pageDir: string,
): Partial<LabOptions> {
  return {
    a: 'symmetric',
    b: 'symmetric',
    videoCall: true,
    ...scenario.lab,
    server: { env: { ICELANE_STATIC_DIR: pageDir, ...scenario.serverEnv } },
  };
}

/** The watch plan of a scenario in a lab. */
export function planOf(scenario: RecoveryScenario, lab: Lab): HoldPlan {
  const { incident } = scenario;
  return {
    beforeMs: scenario.beforeMs,
    afterMs: scenario.afterMs,
    ...(incident ? { incident: (call: Record<SideName, CallSide>) => incident(lab, call) } : {}),
  };
}

/**
 * The "incident" of the credentials scenario is time: it lasts from the join until the first
 * side's join-time credentials expire (the SDK has to have moved the call before the end).
 */
async function untilCredentialsExpire(call: Record<SideName, CallSide>): Promise<IncidentTimes> {
  const startedAt = Date.now();
  const expiries = await Promise.all(
    [call.a, call.b].map(({ page }) =>
      page.evaluate(() => window.harness.room?.ice.expiresAt ?? null),
    ),
  );
  const expiresAt = Math.min(...expiries.map((at) => at ?? Infinity));
  if (!Number.isFinite(expiresAt)) throw new Error('the join answer had no expiring credentials');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now())));
  return { startedAt, endedAt: Date.now() };
}

const recoveries = (events: RecordedEvent[]) =>
  events.filter((e) => e.event === 'recovery').map((e) => e.payload as RecoveryEvent);

/** The `recovery` events of one side. */
export function recoveriesOf(side: HeldSide): RecoveryEvent[] {
  return recoveries(side.events);
}

/** `stream` events after the call first connected: each one a stream the app had to re-attach. */
export function newStreams(side: HeldSide): number {
  return side.events.filter((e) => e.event === 'stream').length;
}

/**
 * What is wrong with the story a side's SDK told after connecting; empty when it is one coherent
 * story: no new stream, no departure or error; `peer:state` only ever `reconnecting` then
 * `connected` again, ending `connected`; every `reconnecting` closed by a `recovered` recovery; a
 * recovery's cause among those the incident can explain.
 */
export function storyProblems(side: HeldSide, scenario: RecoveryScenario): string[] {
  const problems: string[] = [];
  const count = (name: string) => side.events.filter((e) => e.event === name).length;
  if (count('stream') > 0) problems.push(`${count('stream')} new stream event(s)`);
  if (count('peer:left') > 0) problems.push('peer:left');
  if (count('error') > 0) problems.push(`${count('error')} error event(s)`);

  const states = side.events
    .filter((e) => e.event === 'peer:state')
    .map((e) => (e.payload as { state: string }).state);
  const allowed = states.every((state, i) =>
    i % 2 === 0 ? state === 'reconnecting' : state === 'connected',
  );
  if (!allowed || states.at(-1) === 'reconnecting') {
    problems.push(`peer:state went ${states.join(' → ')}`);
  }
  const episodes = states.filter((s) => s === 'reconnecting').length;
  const events = recoveriesOf(side);
  const recovered = events.filter((r) => r.outcome === 'recovered');
  if (recovered.length < episodes) {
    problems.push(`${episodes} reconnecting episode(s), ${recovered.length} recovered`);
  }
  if (events.length > 0 && events.at(-1)!.outcome !== 'recovered') {
    problems.push('the last recovery failed');
  }
  if (!scenario.incident && events.length > 0) {
    problems.push(`${events.length} recovery event(s) with nothing injected`);
  }
  for (const r of events) {
    if (scenario.incident && !scenario.causes.includes(r.cause)) {
      problems.push(`recovery cause ${r.cause}, expected one of ${scenario.causes.join(', ')}`);
    }
  }
  return problems;
}

/** One line about a watched side, for the logs and the benchmark. */
export function describeSide(side: HeldSide): string {
  const story = side.events
    .filter((e) => ['peer:state', 'recovery', 'stream', 'fallback', 'error'].includes(e.event))
    .map((e) => {
      const p = e.payload as Record<string, unknown>;
      if (e.event === 'peer:state') return `state ${String(p.state)}`;
      if (e.event === 'recovery') {
        return `recovery ${String(p.cause)}/${String(p.step)}/${String(p.outcome)} ${String(p.gapMs)} ms`;
      }
      if (e.event === 'fallback') return `fallback ${String(p.reason)}`;
      if (e.event === 'error') return `error ${String(p.code)}`;
      return e.event;
    });
  const { attempt, local, remote } = side.firstReport;
  return (
    `attempt ${attempt} ${local}->${remote}, data gap ${side.dataGapMs} ms, ` +
    `video gap ${side.videoGapMs} ms, ${side.receivedInLast2s} msgs in last 2 s; ` +
    `events: ${story.join(', ') || 'none'}`
  );
}

/**
 * Both sides' events of a watched call in one list, each at its time from the incident's start
 * (from the hold's start without one): what a failed story needs to be read. Data and reports left
 * out.
 */
export function callTimeline(call: WatchedCall): string {
  const zero = call.incident?.startedAt ?? call.startedAt;
  // Ratings change every few seconds on a loaded link; quality-checks.ts reads them.
  const quiet = new Set(['data', 'report', 'stats', 'quality']);
  const lines = (['a', 'b'] as const).flatMap((name) =>
    call[name].events
      .filter((e) => !quiet.has(e.event))
      .map((e) => ({ at: e.at, line: `${name} ${e.event} ${JSON.stringify(e.payload)}` })),
  );
  return lines
    .sort((x, y) => x.at - y.at)
    .map(({ at, line }) => `  ${String(at - zero).padStart(6)} ms  ${line.slice(0, 200)}`)
    .join('\n');
}
