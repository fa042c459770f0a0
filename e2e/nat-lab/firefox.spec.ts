/**
 * The lab with Firefox (Debian's firefox-esr): Firefox on side a with Chromium on side b, and
 * Firefox on both sides, as video calls (camera granted on a secure origin, host addresses shown).
 * Side b joins second and offers, so in the first pairing Chromium offers to Firefox. The scenarios
 * where the browsers differ: relays over UDP and TCP, the fallback of TURN on demand, TURN down,
 * and calls that must recover from a NAT rebinding, a TURN restart, a blackout and expiring
 * credentials (the handover: see below). The assertions are those of sdk-connectivity.spec.ts and
 * call-recovery.spec.ts.
 */
import { SDK_PAGE_DIR, type BrowserName } from '@icelane/testing/browser-suite';
import {
  CONNECTIVITY,
  metricsSince,
  serverMetrics,
  type ConnectivityId,
} from './connectivity-scenarios.js';
import {
  skipUnlessLabCanRun,
  test,
  type Lab,
  type LabOptions,
  type SideName,
  SCENARIOS,
  sdkCall,
} from '@icelane/testing/nat-lab';
import { checkRecoveries, runRecoveries } from './recovery-run.js';

skipUnlessLabCanRun();

const PAIRINGS: Array<{ name: string; browsers: Record<SideName, BrowserName> }> = [
  { name: 'Firefox / Chromium', browsers: { a: 'firefox', b: 'chromium' } },
  { name: 'Firefox / Firefox', browsers: { a: 'firefox', b: 'firefox' } },
];

/** Calls `ids` one after another in one lab (one server, one browser per side), and checks each. */
async function callInTurn(
  makeLab: (options: Partial<LabOptions>) => Promise<Lab>,
  pairing: (typeof PAIRINGS)[number],
  ids: ConnectivityId[],
): Promise<void> {
  const network = await makeLab({
    ...CONNECTIVITY[ids[0]!].lab,
    browsers: pairing.browsers,
    videoCall: true,
    server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
  });
  for (const id of ids) {
    const scenario = CONNECTIVITY[id];
    const before = await serverMetrics(network);
    const call = await sdkCall(network, scenario.join);
    console.log(`${pairing.name}: ${scenario.describe(call)}`);
    const metrics = metricsSince(before, await serverMetrics(network));
    scenario.check(call, metrics, `${pairing.name}, ${scenario.title}`, pairing.browsers);
  }
}

test('symmetric NATs: auto relays on attempt 1, TURN on demand falls back to relay-only, relay connects relay to relay', async ({
  lab,
}) => {
  const ids: ConnectivityId[] = ['symmetric-auto', 'symmetric-turn-on-demand', 'symmetric-relay'];
  await Promise.all(PAIRINGS.map((pairing) => callInTurn(lab, pairing, ids)));
});

test('a UDP-blocking NAT relays over TCP; with TURN down, one error says no relay candidate was gathered', async ({
  lab,
}) => {
  const ids: ConnectivityId[] = ['udp-blocked-auto', 'turn-down-auto'];
  await Promise.all(PAIRINGS.flatMap((pairing) => ids.map((id) => callInTurn(lab, pairing, [id]))));
});

/**
 * Each incident once per pairing, the strategies crossed so that each incident and each pairing
 * meets both: four labs, all at once (Chromium alone runs all of them in call-recovery.spec.ts).
 */
const RECOVERY_RUNS = [
  { pairing: PAIRINGS[0]!, id: 'rebinding', strategy: 'auto' },
  { pairing: PAIRINGS[0]!, id: 'turn-restart', strategy: 'relay' },
  { pairing: PAIRINGS[1]!, id: 'rebinding', strategy: 'relay' },
  { pairing: PAIRINGS[1]!, id: 'turn-restart', strategy: 'auto' },
] as const;

test('video calls recover from NAT rebinding and a TURN restart', async ({ lab }) => {
  test.setTimeout(3 * 60_000);
  const runs = RECOVERY_RUNS.map(({ pairing, id, strategy }) => ({
    name: `${pairing.name}, ${id}, ${strategy}`,
    scenario: SCENARIOS[id],
    strategy,
    lab: { browsers: pairing.browsers },
  }));
  checkRecoveries(await runRecoveries(lab, runs, runs.length));
});

/**
 * A 3 s blackout and credentials expiring on a relayed call, with Firefox on the side that meets
 * them; two labs at once. Not the handover: when its network interface goes away, Firefox fails
 * the ICE transport at once and closes the data channel, so the SDK heals it with a new
 * connection (a new `stream`; data back after ~1.4 s in the lab) where Chromium's heals in place.
 */
const MORE_RECOVERY_RUNS = [
  { pairing: PAIRINGS[1]!, id: 'blackout', strategy: 'auto' },
  { pairing: PAIRINGS[0]!, id: 'credentials', strategy: 'relay' },
] as const;

test('video calls recover from a blackout and move onto fresh credentials', async ({ lab }) => {
  test.setTimeout(4 * 60_000);
  const runs = MORE_RECOVERY_RUNS.map(({ pairing, id, strategy }) => ({
    name: `${pairing.name}, ${id}, ${strategy}`,
    scenario: SCENARIOS[id],
    strategy,
    lab: { browsers: pairing.browsers },
  }));
  checkRecoveries(await runRecoveries(lab, runs, runs.length));
});
