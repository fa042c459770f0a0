/**
 * What the benchmark measures: the SDK under each strategy through the NAT it is made for, each
 * both ways a browser makes calls (host addresses hidden, and as a real video call), and the
 * baseline an app without icelane gets behind symmetric NATs.
 */
import type { HarnessJoinOptions } from '@icelane/testing/browser-suite';
import {
  linkProfiles,
  type LabOptions,
  type LinkProfileName,
  type LinkSetting,
  type SideNetwork,
} from '@icelane/testing/nat-lab';
import { profilesFrom } from '../lib/profiles.js';

interface ScenarioBase {
  id: string;
  title: string;
  /** `nat64`: an IPv6-only phone behind NAT64/DNS64 (the lab then names its servers). */
  nat: { a: SideNetwork; b: SideNetwork };
  runs: number;
  /** The link profile both sides' clients are on (`perfect`: the lab's plain veths). */
  profile: LinkProfileName;
  /** A link that is no named profile, which both clients are on instead of `profile`. */
  link?: RawLink;
}

/** A link given by its figures rather than by a profile's name. */
export interface RawLink {
  /** How the tables name it, e.g. `uplink 800 ms`. */
  label: string;
  setting: LinkSetting;
  /** The round trip it adds between a client and the server, to count join → open in. */
  rttMs: number;
}

/**
 * How the browsers make the call. `hidden`: no media permission, so host addresses are hidden
 * behind mDNS names (how a data-only page runs). `video`: a real video call, the camera granted
 * on a secure origin and sent, so Chromium shows host addresses (the lab's `videoCall`).
 */
export type CallMode = 'hidden' | 'video';

/** Calls through the SDK test page, both sides with the same join options. */
export interface SdkScenario extends ScenarioBase {
  kind: 'sdk';
  mode: CallMode;
  options: HarnessJoinOptions;
  /** How long each counted call is held once connected (0: not held). */
  holdMs: number;
  /** `false`: coturn relays to the clients' private addresses (a comparison, never a default). */
  relayRefusesPrivatePeers?: false;
  /** What the lab serves besides STUN and TURN over UDP and TCP (see `LabOptions`). */
  lab?: Partial<Pick<LabOptions, 'stunProbe' | 'turnTls'>>;
}

/** Plain simple-peer: STUN only until the browser says `failed`, then relay only. */
export interface BaselineScenario extends ScenarioBase {
  kind: 'baseline';
}

export type Scenario = SdkScenario | BaselineScenario;

/**
 * The round trip a scenario's link adds between a client and the server (0 on the perfect
 * links). It is also about the one-way trip between the two clients: each message crosses one
 * side's uplink and the other's downlink.
 */
export function linkRttMs(scenario: Scenario): number {
  return scenario.link?.rttMs ?? linkProfiles[scenario.profile].rttMs;
}

function runsFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`${name} must be a whole number of calls, at least 1 (got "${raw}")`);
  }
  return runs;
}

function countFrom(name: string, fallback: number, what: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of ${what}, 0 or more (got "${raw}")`);
  }
  return value;
}

/** Calls per SDK scenario and mode (`BENCH_CONNECT_RUNS`, default 10). */
export const SDK_RUNS = runsFrom('BENCH_CONNECT_RUNS', 10);
/** Calls of the baseline, ~16 s each (`BENCH_CONNECT_BASELINE_RUNS`, default 10). */
export const BASELINE_RUNS = runsFrom('BENCH_CONNECT_BASELINE_RUNS', 10);
/** How long each SDK call is held after connecting (`BENCH_CONNECT_HOLD_MS`, default 30 s; 0: not held). */
export const HOLD_MS = countFrom('BENCH_CONNECT_HOLD_MS', 30_000, 'milliseconds');
/**
 * Calls of the comparison without the relay's `denied-peer-ip` (`BENCH_CONNECT_RELAY_TO_PRIVATE_RUNS`,
 * default 0: not run): `auto` video calls behind symmetric NATs with a relay that sends to the
 * clients' private addresses, as coturn's defaults do (issue 10 found these calls dropping; since
 * issue 24 the SDK keeps the far side's private host candidates from its relay, so they hold).
 */
export const RELAY_TO_PRIVATE_RUNS = countFrom('BENCH_CONNECT_RELAY_TO_PRIVATE_RUNS', 0, 'calls');

/**
 * The link profiles to run besides the perfect links (`BENCH_CONNECT_PROFILES`, comma-separated
 * names from the lab's link-emulator/profiles.ts, e.g. `lte-good,3g`; default none). Each runs
 * the `direct` and `auto` video calls with both clients on that profile.
 */
export const LINK_PROFILES: LinkProfileName[] = profilesFrom('BENCH_CONNECT_PROFILES');

/**
 * One-way delays, in ms, to put on each client's uplink alone (`BENCH_CONNECT_UPLINK_DELAYS_MS`,
 * comma-separated, e.g. `800,1000,1500`; default none), as the issue measured the cliff:
 * client↔server round trip D, client↔client 2D. Each runs the `auto` video call, to find the
 * largest delay at which calls still connect (a call not open within `callTimeoutMs` of its
 * round trip, sdk-run.ts, counts as failed).
 */
export const UPLINK_DELAYS_MS: number[] = delaysFrom('BENCH_CONNECT_UPLINK_DELAYS_MS');

function delaysFrom(name: string): number[] {
  const raw = process.env[name] ?? '';
  const parts = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return parts.map((part) => {
    const delayMs = Number(part);
    if (!Number.isInteger(delayMs) || delayMs < 1) {
      throw new Error(`${name} must list whole numbers of milliseconds, 1 or more (got "${part}")`);
    }
    return delayMs;
  });
}

const symmetric = { a: 'symmetric', b: 'symmetric' } as const;
const portRestricted = { a: 'port-restricted', b: 'port-restricted' } as const;
const ipv6OnlyToSymmetric = { a: 'nat64', b: 'symmetric' } as const;

type ScenarioShape = Omit<SdkScenario, 'kind' | 'mode' | 'runs' | 'holdMs' | 'profile'>;

function hiddenOnly(scenario: ScenarioShape): SdkScenario {
  const made = { ...scenario, profile: 'perfect' } as const;
  return { ...made, kind: 'sdk', mode: 'hidden', runs: SDK_RUNS, holdMs: HOLD_MS };
}

/** A video call with both clients on a link profile. */
function videoOn(profile: LinkProfileName, scenario: ScenarioShape): SdkScenario {
  return {
    ...scenario,
    id: `${scenario.id}-video@${profile}`,
    title: `${scenario.title}, video call, on ${profile}`,
    kind: 'sdk',
    mode: 'video',
    runs: SDK_RUNS,
    holdMs: HOLD_MS,
    profile,
  };
}

/** A video call with each client's uplink delayed `delayMs` one way (nothing else changed). */
function videoOnUplinkDelay(delayMs: number, scenario: ScenarioShape): SdkScenario {
  const label = `uplink ${delayMs} ms`;
  return {
    ...scenario,
    id: `${scenario.id}-video@uplink-${delayMs}ms`,
    title: `${scenario.title}, video call, on ${label}`,
    kind: 'sdk',
    mode: 'video',
    runs: SDK_RUNS,
    holdMs: HOLD_MS,
    profile: 'perfect',
    link: {
      label,
      setting: { up: { delayMs }, down: {}, turnPath: { up: {}, down: {} } },
      rttMs: delayMs,
    },
  };
}

const directPortRestricted = {
  id: 'direct',
  title: 'direct, port-restricted NATs',
  nat: { a: 'port-restricted', b: 'port-restricted' },
  options: { strategy: 'direct' },
} as const satisfies ScenarioShape;

const autoSymmetric = {
  id: 'auto',
  title: 'auto, symmetric NATs',
  nat: symmetric,
  options: { strategy: 'auto' },
} as const satisfies ScenarioShape;

/** Each SDK scenario, made both ways: addresses hidden, then as a video call. */
function bothWays(scenario: ScenarioShape): SdkScenario[] {
  const made = {
    ...scenario,
    kind: 'sdk',
    runs: SDK_RUNS,
    holdMs: HOLD_MS,
    profile: 'perfect',
  } as const;
  return [
    { ...made, mode: 'hidden' },
    { ...made, id: `${scenario.id}-video`, title: `${scenario.title}, video call`, mode: 'video' },
  ];
}

export const SCENARIOS: Scenario[] = [
  ...bothWays(directPortRestricted),
  ...bothWays({
    id: 'relay',
    title: 'relay, symmetric NATs',
    nat: symmetric,
    options: { strategy: 'relay' },
  }),
  ...bothWays(autoSymmetric),
  ...bothWays({
    id: 'auto-turn-on-demand',
    title: 'auto + turnOnDemand, symmetric NATs',
    nat: symmetric,
    options: { strategy: 'auto', turnOnDemand: true },
  }),
  // Issue 13: the network check predicts the path. Each beside today's behaviour above (the same
  // options without the probe endpoint, or auto / direct on the same NATs). Addresses hidden only.
  hiddenOnly({
    id: 'auto-turn-on-demand-check',
    title: 'auto + turnOnDemand + network check, symmetric NATs',
    nat: symmetric,
    options: { strategy: 'auto', turnOnDemand: true },
    lab: { stunProbe: true },
  }),
  // Issue 26: a phone on an IPv6-only network (NAT64/DNS64, no CLAT) calling a laptop on IPv4
  // behind a symmetric NAT, the servers by host name: beside the symmetric rows above.
  ...bothWays({
    id: 'auto-ipv6-only',
    title: 'auto, IPv6-only (NAT64) / symmetric NAT',
    nat: ipv6OnlyToSymmetric,
    options: { strategy: 'auto' },
  }),
  ...bothWays({
    id: 'auto-turn-on-demand-ipv6-only',
    title: 'auto + turnOnDemand, IPv6-only (NAT64) / symmetric NAT',
    nat: ipv6OnlyToSymmetric,
    options: { strategy: 'auto', turnOnDemand: true },
  }),
  hiddenOnly({
    id: 'auto-port-restricted',
    title: 'auto, port-restricted NATs',
    nat: portRestricted,
    options: { strategy: 'auto' },
  }),
  hiddenOnly({
    id: 'auto-turn-on-demand-check-port-restricted',
    title: 'auto + turnOnDemand + network check, port-restricted NATs',
    nat: portRestricted,
    options: { strategy: 'auto', turnOnDemand: true },
    lab: { stunProbe: true },
  }),
  hiddenOnly({
    id: 'auto-tls-443',
    title: 'auto, TCP-443-only firewall / symmetric NAT, turns: on 443',
    nat: { a: 'tcp-443-only', b: 'symmetric' },
    options: { strategy: 'auto' },
    lab: { turnTls: true },
  }),
  {
    id: 'baseline',
    title: 'baseline: simple-peer, STUN, relay after failed',
    kind: 'baseline',
    nat: symmetric,
    runs: BASELINE_RUNS,
    profile: 'perfect',
  },
  ...(RELAY_TO_PRIVATE_RUNS > 0
    ? [
        {
          id: 'auto-video-relay-to-private',
          title: 'auto, symmetric NATs, video call, relay reaches private addresses',
          kind: 'sdk',
          mode: 'video',
          nat: symmetric,
          options: { strategy: 'auto' },
          runs: RELAY_TO_PRIVATE_RUNS,
          holdMs: HOLD_MS,
          relayRefusesPrivatePeers: false,
          profile: 'perfect',
        } satisfies SdkScenario,
      ]
    : []),
  ...LINK_PROFILES.flatMap((profile) => [
    videoOn(profile, directPortRestricted),
    videoOn(profile, autoSymmetric),
  ]),
  ...UPLINK_DELAYS_MS.map((delayMs) => videoOnUplinkDelay(delayMs, autoSymmetric)),
];
