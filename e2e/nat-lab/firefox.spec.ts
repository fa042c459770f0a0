/**
 * The lab with Firefox (Debian's firefox-esr): Firefox on side a with Chromium on side b, and
 * Firefox on both sides, as video calls (camera granted on a secure origin, host addresses shown).
 * Side b joins second and offers, so in the first pairing Chromium offers to Firefox. The scenarios
 * where the browsers differ: relays over UDP and TCP, the fallback of TURN on demand, TURN down,
 * and calls that must recover from a NAT rebinding, a TURN restart, a blackout, expiring
 * credentials and a handover (on a new connection: see below). The assertions are those of
 * sdk-connectivity.spec.ts and call-recovery.spec.ts.
 */
import { SDK_PAGE_DIR, type BrowserName } from '@icelane/testing/browser-suite';
import {
  CONNECTIVITY,
  metricsSince,
  serverMetrics,
  type ConnectivityId,
} from './connectivity-scenarios.js';
import {
  expect,
  skipUnlessLabCanRun,
  test,
  type Lab,
  type LabOptions,
  type SideName,
  newStreams,
  recoveriesOf,
  SCENARIOS,
  type ScenarioId,
  sdkCall,
} from '@icelane/testing/nat-lab';
import {
  checkFlowBack,
  checkRecoveries,
  runRecoveries,
  type RecoveryResult,
  type RecoveryRun,
} from './recovery-run.js';

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

/** One scenario run on a video call between a pairing's browsers. */
interface PairedRun {
  pairing: (typeof PAIRINGS)[number];
  id: ScenarioId;
  strategy: RecoveryRun['strategy'];
  /** On a relay that reaches private addresses (coturn's default; the lab's refuses them). */
  relayToPrivate?: true;
}

/** The runs, each named after its pairing, incident and strategy, in a lab of those browsers. */
function pairedRuns(runs: readonly PairedRun[]): RecoveryRun[] {
  return runs.map(({ pairing, id, strategy, relayToPrivate }) => ({
    name: `${pairing.name}, ${id}, ${strategy}${relayToPrivate ? ', relay reaching private peers' : ''}`,
    scenario: SCENARIOS[id],
    strategy,
    lab: {
      browsers: pairing.browsers,
      ...(relayToPrivate ? { relayRefusesPrivatePeers: false } : {}),
    },
  }));
}

/**
 * The recovery tests, each a few labs at once:
 * - each incident once per pairing, the strategies crossed so that each incident and each pairing
 *   meets both (Chromium alone runs all of them in call-recovery.spec.ts);
 * - a 3 s blackout and credentials expiring on a relayed call, with Firefox on the side that meets
 *   them;
 * - the handover, Firefox on side a: when its network interface goes away, Firefox fails the DTLS
 *   transport at once (a send on the vanished interface errs) and closes every data channel, and
 *   no ICE restart on that connection brings media or data back. The SDK moves the call to a new
 *   connection instead, so the app sees one new `stream` on each side.
 */
const RECOVERY_TESTS: Array<{
  title: string;
  timeoutMs: number;
  runs: RecoveryRun[];
  check: (results: RecoveryResult[]) => void;
}> = [
  {
    title: 'video calls recover from NAT rebinding and a TURN restart',
    timeoutMs: 3 * 60_000,
    runs: pairedRuns([
      { pairing: PAIRINGS[0]!, id: 'rebinding', strategy: 'auto' },
      { pairing: PAIRINGS[0]!, id: 'turn-restart', strategy: 'relay' },
      { pairing: PAIRINGS[1]!, id: 'rebinding', strategy: 'relay' },
      { pairing: PAIRINGS[1]!, id: 'turn-restart', strategy: 'auto' },
    ]),
    check: checkFirefoxRecoveries,
  },
  {
    title:
      'video calls recover from a blackout, move onto fresh credentials, and recover from a rebinding on a relay reaching private peers',
    timeoutMs: 4 * 60_000,
    runs: pairedRuns([
      { pairing: PAIRINGS[1]!, id: 'blackout', strategy: 'auto' },
      { pairing: PAIRINGS[0]!, id: 'credentials', strategy: 'relay' },
      // Chromium shows its host address to Firefox, whose relay must never be paired with it
      // (issue 24). Beside the credentials run, which takes longest: no time added.
      { pairing: PAIRINGS[0]!, id: 'rebinding', strategy: 'auto', relayToPrivate: true },
    ]),
    // A rebinding may fail Firefox's DTLS transport (see checkFirefoxRecoveries).
    check: (results) => {
      const rebinding = (result: RecoveryResult) => result.name.includes('rebinding');
      checkRecoveries(results.filter((result) => !rebinding(result)));
      checkFirefoxRecoveries(results.filter(rebinding));
    },
  },
  {
    title:
      'video calls come back from a Wi-Fi → cellular handover on a new connection, one new stream on each side',
    timeoutMs: 3 * 60_000,
    runs: pairedRuns([
      { pairing: PAIRINGS[0]!, id: 'handover', strategy: 'auto' },
      { pairing: PAIRINGS[1]!, id: 'handover', strategy: 'relay' },
    ]),
    check: (results) => checkReplacedCalls(results),
  },
];

for (const { title, timeoutMs, runs, check } of RECOVERY_TESTS) {
  test(title, async ({ lab }) => {
    test.setTimeout(timeoutMs);
    check(await runRecoveries(lab, runs, runs.length));
  });
}

/**
 * A rebinding or a TURN restart as Firefox meets it. Firefox takes any error sending a packet for
 * the end of its DTLS transport, as in the handover: a packet sent to the TURN server while it is
 * down meets a closed port (in the lab the SDK saw the failed transport ~50 ms after the kill),
 * and on a loaded machine a rebinding did the same once in ten runs. No ICE restart brings such a
 * connection back, and the SDK moves the call to a new connection. Whether it happens is a race,
 * so each run passes either story: healed in place (the checks of every recovery), or replaced
 * after a failed transport, which its `recovery` says (`ice-failed` / `new-connection`; the checks
 * of the handover). The stories are counted: a rebinding leaves Firefox's transport up but for
 * that rare race, so at least one of the rebinding runs must heal in place (both replaced: about
 * one time in a hundred by the rate seen), or a Firefox that never heals in place would pass.
 */
function checkFirefoxRecoveries(results: RecoveryResult[]): void {
  const replaced = (result: RecoveryResult) =>
    result.ok &&
    [result.call.a, result.call.b].some((side) =>
      recoveriesOf(side).some((r) => r.cause === 'ice-failed' && r.step === 'new-connection'),
    );
  const inPlace = results.filter((result) => result.ok && !replaced(result));
  const story = (id: string) => {
    const runs = results.filter((result) => result.ok && result.scenario.id === id);
    return `${runs.filter((run) => inPlace.includes(run)).length} of ${runs.length} in place`;
  };
  console.log(
    `Firefox stories: rebinding ${story('rebinding')}, TURN restart ${story('turn-restart')}`,
  );
  const rebindings = results.filter((result) => result.ok && result.scenario.id === 'rebinding');
  expect
    .soft(
      rebindings.filter((run) => inPlace.includes(run)).length,
      `rebinding runs healed in place (${story('rebinding')})`,
    )
    .toBeGreaterThan(0);
  checkRecoveries(results.filter((result) => !replaced(result)));
  checkReplacedCalls(results.filter(replaced), 'either');
}

/**
 * What a user relies on when the call comes back on a new connection: data and video back within
 * the bound on both sides, one new `stream` each (the app shows it as it showed the first), no
 * error, no departure, the peer `connected` at the end, and on the side whose connection failed
 * (`failed`; `either` when both sides' may) a `recovery` event that says a new connection brought
 * the call back.
 */
function checkReplacedCalls(results: RecoveryResult[], failed: SideName | 'either' = 'a'): void {
  for (const result of results) {
    if (!result.ok) {
      expect.soft(result.error, `${result.name}: the call was made and watched`).toBeUndefined();
      continue;
    }
    const { name, scenario, call } = result;
    for (const side of [call.a, call.b]) {
      checkFlowBack(name, side);
      expect.soft(newStreams(side), `${name}: one new stream`).toBe(1);
      const told = side.events.map((e) => e.event);
      expect.soft(told, `${name}: no error, no departure`).not.toContain('error');
      expect.soft(told, `${name}: no error, no departure`).not.toContain('peer:left');
      const states = side.events.filter((e) => e.event === 'peer:state');
      expect
        .soft(states.at(-1)?.payload, `${name}: connected at the end`)
        .toMatchObject({ state: 'connected' });
    }
    const failedSide =
      failed !== 'either' ? call[failed] : recoveriesOf(call.a).length > 0 ? call.a : call.b;
    const recoveries = recoveriesOf(failedSide);
    expect
      .soft(
        recoveries.map((r) => `${r.step} ${r.outcome}`),
        `${name}: the side whose connection failed says a new connection brought the call back`,
      )
      .toEqual(['new-connection recovered']);
    for (const { cause } of recoveries) {
      expect.soft(scenario.causes, `${name}: a cause the handover explains`).toContain(cause);
    }
  }
}
