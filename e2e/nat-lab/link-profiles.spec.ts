/**
 * The SDK on real links (issue 25): both clients on good LTE, then on 3G (link-emulator's
 * profiles), as video calls. A lean choice for CI: an `auto` call through symmetric NATs
 * (relayed), a direct call through port-restricted ones (on LTE only), and one mid-call incident,
 * a NAT rebinding on the `auto` call, on both profiles at once. Left to the benches (bench:connect
 * and bench:recovery take profiles): the scenarios that fail by design (direct behind symmetric
 * NATs, TURN down: the SDK's own deadlines decide them, tuned on perfect links, issue 25 item 4),
 * TURN on demand, UDP-blocked, addresses hidden, and the other incidents (handover, blackout, TURN
 * restart, expiring credentials).
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import { SCENARIOS, expect, sdkCall, skipUnlessLabCanRun, test } from '@icelane/testing/nat-lab';
import { CONNECTIVITY, serverMetrics } from './connectivity-scenarios.js';
import { checkRecoveries, runRecoveries, type RecoveryResult } from './recovery-run.js';
import { clearLinkProblems, longRoundTripProblems, ratingsOf, summary } from './quality-checks.js';

skipUnlessLabCanRun();

/** The connect scenarios per profile: the direct positive control once, on LTE (~20 s a 3G call). */
const CONNECT_RUNS = {
  'lte-good': ['port-restricted-direct', 'symmetric-auto'],
  '3g': ['symmetric-auto'],
} as const;

for (const profile of ['lte-good', '3g'] as const) {
  const links = { a: profile, b: profile };
  test.describe(`on ${profile}`, () => {
    for (const id of CONNECT_RUNS[profile]) {
      const scenario = CONNECTIVITY[id];
      test(scenario.title, async ({ lab }) => {
        const network = await lab({
          ...scenario.lab,
          videoCall: true,
          links,
          server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
        });
        const call = await sdkCall(network, scenario.join);
        console.log(`on ${profile}: ${scenario.describe(call)}`);
        scenario.check(call, await serverMetrics(network), `${scenario.title}, on ${profile}`);
      });
    }
  });
}

// One run per profile, both at once (two labs, four browsers: half what call-recovery.spec.ts runs
// at once), so the slower 3G run sets the time and the LTE run takes none of its own. Each run is
// checked alone: the checks' median bound (5 s) needs two runs or more of one link and is left to
// the bench. On 3G the data gap is 4-5 s (docs/benchmarks.md: healed in ~4 s, data then waits for
// the data channel's next retransmission, backed off during the outage); the bound checked here,
// 10 s, is the one of every link.
test('an auto video call recovers from a NAT rebinding, on lte-good and on 3g', async ({ lab }) => {
  const profiles = ['lte-good', '3g'] as const;
  const runs = profiles.map(
    (profile) =>
      ({
        name: `rebinding, auto, on ${profile}`,
        scenario: SCENARIOS.rebinding,
        strategy: 'auto',
        lab: { links: { a: profile, b: profile } },
      }) as const,
  );
  const results = await runRecoveries(lab, [...runs], runs.length);
  profiles.forEach((profile, i) => {
    checkRecoveries([results[i]!]);
    checkHealedRating([results[i]!], profile);
  });
});

/**
 * What the rating says once the call healed (its last rating, 20 s after the rebinding), as a
 * person would: on good LTE (about 110 ms client to client) excellent or good, for no round trip
 * or loss; on 3G (400 ms) never excellent, and `rtt` named while it is no worse than good.
 */
function checkHealedRating(results: RecoveryResult[], profile: 'lte-good' | '3g') {
  for (const result of results) {
    if (!result.ok) continue;
    for (const side of [result.call.a, result.call.b]) {
      const last = ratingsOf(side).at(-1);
      const name = `${result.name}: the rating after the heal`;
      expect.soft(last, name).toBeDefined();
      if (!last) continue;
      console.log(`${name}: ${summary(last.quality)}`);
      const problems =
        profile === '3g' ? longRoundTripProblems([last], 'good') : clearLinkProblems([last]);
      expect.soft(problems, name).toEqual([]);
    }
  }
}
