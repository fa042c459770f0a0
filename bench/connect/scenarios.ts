/**
 * What the benchmark measures: the SDK under each strategy through the NAT it is made for, and
 * the baseline an app without icelane gets behind symmetric NATs.
 */
import type { HarnessJoinOptions } from '../../e2e/support/sdk-page/main.js';
import type { NatKind } from '../../e2e/nat-lab/lab/nat-kinds.js';

interface ScenarioBase {
  id: string;
  title: string;
  nat: { a: NatKind; b: NatKind };
  runs: number;
}

/** Calls through the SDK test page, both sides with the same join options. */
export interface SdkScenario extends ScenarioBase {
  kind: 'sdk';
  options: HarnessJoinOptions;
}

/** Plain simple-peer: STUN only until the browser says `failed`, then relay only. */
export interface BaselineScenario extends ScenarioBase {
  kind: 'baseline';
}

export type Scenario = SdkScenario | BaselineScenario;

function runsFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`${name} must be a whole number of calls, at least 1 (got "${raw}")`);
  }
  return runs;
}

/** Calls per SDK scenario (`BENCH_CONNECT_RUNS`, default 10). */
export const SDK_RUNS = runsFrom('BENCH_CONNECT_RUNS', 10);
/** Calls of the baseline, ~16 s each (`BENCH_CONNECT_BASELINE_RUNS`, default 10). */
export const BASELINE_RUNS = runsFrom('BENCH_CONNECT_BASELINE_RUNS', 10);

const symmetric = { a: 'symmetric', b: 'symmetric' } as const;

export const SCENARIOS: Scenario[] = [
  {
    id: 'direct',
    title: 'direct, port-restricted NATs',
    kind: 'sdk',
    nat: { a: 'port-restricted', b: 'port-restricted' },
    options: { strategy: 'direct' },
    runs: SDK_RUNS,
  },
  {
    id: 'relay',
    title: 'relay, symmetric NATs',
    kind: 'sdk',
    nat: symmetric,
    options: { strategy: 'relay' },
    runs: SDK_RUNS,
  },
  {
    id: 'auto',
    title: 'auto, symmetric NATs',
    kind: 'sdk',
    nat: symmetric,
    options: { strategy: 'auto' },
    runs: SDK_RUNS,
  },
  {
    id: 'auto-turn-on-demand',
    title: 'auto + turnOnDemand, symmetric NATs',
    kind: 'sdk',
    nat: symmetric,
    options: { strategy: 'auto', turnOnDemand: true },
    runs: SDK_RUNS,
  },
  {
    id: 'baseline',
    title: 'baseline: simple-peer, STUN, relay after failed',
    kind: 'baseline',
    nat: symmetric,
    runs: BASELINE_RUNS,
  },
];
