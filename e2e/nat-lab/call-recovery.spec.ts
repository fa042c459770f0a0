/**
 * Calls stay up through what phones go through (issue 11): a symmetric / symmetric video call
 * (camera granted on a secure origin, data every 100 ms), `auto` and `relay`, meets a NAT
 * rebinding, a Wi-Fi → cellular handover, a 3 s blackout, a TURN restart, and TURN credentials
 * expiring. Each must recover within a generous bound, with no new `stream`, and one coherent
 * story in the SDK's events. And a TURN server refusing its credentials must not break a call that
 * needs no relay.
 */
import { SDK_PAGE_DIR } from '../support/build-sdk-page.js';
import { watchCall, type WatchedCall } from './call-hold.js';
import { expect, skipUnlessLabCanRun, test } from './fixtures.js';
import type { Lab } from './lab/lab.js';
import {
  SCENARIOS,
  describeSide,
  newStreams,
  planOf,
  scenarioLabOptions,
  recoveriesOf,
  storyProblems,
} from './recovery-scenarios.js';
import { sdkCall } from './sdk-call.js';

skipUnlessLabCanRun();

/** Data must flow again within this long of the path dying (generous: the targets are ~1.5 s). */
const RECOVERY_BOUND_MS = 10_000;
/** Labs (two browsers each) running at once: the machine has two cores. */
const CONCURRENT_LABS = Number(process.env.NAT_LAB_RECOVERY_CONCURRENCY ?? 4);

const strategies = ['auto', 'relay'] as const;
const incidents = ['credentials', 'rebinding', 'handover', 'blackout', 'turn-restart'] as const;

test('video calls recover from rebinding, handover, blackout, TURN restart and expiring credentials, auto and relay', async ({
  lab,
}) => {
  test.setTimeout(8 * 60_000);
  // Credentials first: they take longest (the TTL), the short scenarios fill the other slots.
  const runs = incidents.flatMap((id) =>
    strategies.map((strategy) => ({ scenario: SCENARIOS[id], strategy })),
  );
  const results = await inPool(runs, CONCURRENT_LABS, async ({ scenario, strategy }) => {
    const name = `${scenario.id}, ${strategy}`;
    const network = await lab(scenarioLabOptions(scenario, SDK_PAGE_DIR));
    try {
      const options = { strategy, recovery: true };
      const call = await watchCall(network, { a: options, b: options }, planOf(scenario, network));
      console.log(`${name}:\n  a: ${describeSide(call.a)}\n  b: ${describeSide(call.b)}`);
      return { name, ok: true as const, scenario, call, allocation: allocationMove(network, call) };
    } catch (error) {
      console.log(`${name}: ${(error as Error).message.split('\n')[0]}`);
      return { name, ok: false as const, error };
    } finally {
      await network.close();
    }
  });

  for (const result of results) {
    if (!result.ok) {
      expect.soft(result.error, `${result.name}: the call was made and watched`).toBeUndefined();
      continue;
    }
    const { name, scenario, call, allocation } = result;
    for (const side of [call.a, call.b]) {
      expect
        .soft(side.dataGapMs, `${name}: data back within the bound`)
        .toBeLessThan(RECOVERY_BOUND_MS);
      expect.soft(side.receivedInLast2s, `${name}: data flowing at the end`).toBeGreaterThan(10);
      expect
        .soft(side.videoGapMs, `${name}: video back within the bound`)
        .toBeLessThan(RECOVERY_BOUND_MS);
      expect.soft(newStreams(side), `${name}: no new stream`).toBe(0);
      expect.soft(storyProblems(side, scenario), `${name}: one coherent story`).toEqual([]);
    }
    const recovered = [call.a, call.b]
      .flatMap(recoveriesOf)
      .filter((r) => r.outcome === 'recovered');
    if (scenario.breaksPath) {
      expect
        .soft(recovered.length, `${name}: a recovery event says what healed`)
        .toBeGreaterThan(0);
    }
    if (scenario.id === 'credentials') {
      console.log(`${name}: ${allocation.summary}`);
      expect
        .soft(allocation.movedBeforeExpiry, `${name}: a new allocation under new credentials`)
        .toBeGreaterThan(0);
    }
  }
});

test('a TURN server refusing its credentials does not break a call that needs no relay (auto)', async ({
  lab,
}) => {
  // Today the port-restricted video call fails with `turn-auth` on both attempts (0.7 s) while
  // `direct` connects in the same lab; on one LAN with addresses hidden it fails (1.3 s) or
  // connects (3.8 s) depending on whether the 401 or the direct path comes first.
  const cases = [
    { name: 'one LAN, addresses hidden', nat: 'none', videoCall: false },
    { name: 'port-restricted NATs, video call', nat: 'port-restricted', videoCall: true },
  ] as const;
  const outcomes = await Promise.all(
    cases.map(async ({ name, nat, videoCall }) => {
      const network = await lab({
        a: nat,
        b: nat,
        videoCall,
        server: {
          env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR, ICELANE_COTURN_SECRETS: 'not-the-secret' },
        },
      });
      // Positive control: the path needs no relay.
      const direct = await sdkCall(network, {
        a: { strategy: 'direct' },
        b: { strategy: 'direct' },
      });
      const auto = await sdkCall(network, { a: {}, b: {} });
      const said = auto.b.error
        ? `failed: ${auto.b.error.message}`
        : `connected in ${auto.b.elapsedMs} ms`;
      console.log(`TURN 401, ${name}, auto: ${said}`);
      return { name, direct, auto };
    }),
  );
  for (const { name, direct, auto } of outcomes) {
    expect.soft(direct.b.report, `${name}: direct connects`).toMatchObject({ relayed: false });
    for (const side of [auto.a, auto.b]) {
      expect.soft(side.error, `${name}: auto connects`).toBeUndefined();
      expect.soft(side.report, `${name}: directly, on attempt 1`).toMatchObject({
        attempt: 1,
        relayed: false,
      });
      expect.soft(side.fallbacks, `${name}: no fallback`).toEqual([]);
    }
  }
});

/**
 * Whether the call's relays moved onto new credentials before the first ones expired: coturn's
 * new allocations, during the watch and before its end, under a username no allocation of the
 * call's start used.
 */
function allocationMove(network: Lab, call: WatchedCall) {
  const allocations = network.turnLog.allocations();
  const first = new Set(allocations.filter((e) => e.at < call.startedAt).map((e) => e.username));
  const expiry = call.incident?.endedAt ?? call.endedAt;
  const moved = allocations.filter(
    (e) => e.at >= call.startedAt && e.at < expiry && !first.has(e.username),
  );
  return {
    movedBeforeExpiry: moved.length,
    summary:
      `${first.size} username(s) at the start, ${moved.length} new allocation(s) under new ` +
      `usernames before they expired, ${allocations.length} allocations in all`,
  };
}

/** Runs `work` over `items`, at most `limit` at once, and resolves with the results in order. */
async function inPool<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
