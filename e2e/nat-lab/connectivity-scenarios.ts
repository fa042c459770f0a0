/**
 * The SDK's connectivity scenarios through the lab, as data the specs share: the networks, the
 * join options of each side, and what a user relies on afterwards, checked against the SDK's own
 * outcome and the server's /metrics. `sdk-connectivity.spec.ts` runs them in Chromium,
 * `firefox.spec.ts` the meaningful ones with Firefox on one side and on both.
 */
import { joinDefaults, type FailureReason } from '@icelane/sdk';
import { counterSum } from '@icelane/testing';
import type { BrowserName, HarnessJoinOptions } from '@icelane/testing/browser-suite';
import {
  expect,
  type Lab,
  type LabOptions,
  type SideName,
  type SideOutcome,
} from '@icelane/testing/nat-lab';

/** The server's counters a scenario checks (connections reported, fallbacks to relay). */
export interface ServerMetrics {
  relayed: number;
  direct: number;
  fallbacks: number;
  /** Connections whose local end relays over TCP. */
  tcpRelays: number;
}

export type ConnectivityId =
  | 'port-restricted-direct'
  | 'symmetric-direct'
  | 'symmetric-auto'
  | 'symmetric-turn-on-demand'
  | 'symmetric-relay'
  | 'udp-blocked-auto'
  | 'turn-down-auto';

export interface ConnectivityScenario {
  title: string;
  /** Only the networks: the spec adds the server, the browsers and the kind of call. */
  lab: Pick<Partial<LabOptions>, 'a' | 'b' | 'turn'>;
  join: Record<SideName, HarnessJoinOptions>;
  /** One line for the log. */
  describe: (call: Record<SideName, SideOutcome>) => string;
  /**
   * Asserts the outcome; `where` names the run in every failure message, `browsers` says which
   * browser each side ran (all Chromium when absent).
   */
  check: (
    call: Record<SideName, SideOutcome>,
    metrics: ServerMetrics,
    where: string,
    browsers?: Record<SideName, BrowserName>,
  ) => void;
}

/**
 * A liveness bound for a call that cannot connect, not a timing target: the order of events says
 * whether the SDK gave up on its own. It counts from the second join, so the second page may take
 * the SDK's whole `signalingTimeoutMs` to join, and the one attempt then ends at its deadline,
 * `connectTimeoutMs`, at the latest. Doubled: two browsers share two busy cores.
 */
const FAILURE_LIVENESS_MS = 2 * (joinDefaults.signalingTimeoutMs + joinDefaults.connectTimeoutMs);

/**
 * What ends a direct attempt behind symmetric NATs when the SDK itself sees it will not connect:
 * the checks go unanswered (`checks-silent`) or the attempt's deadline passes (`timeout`). The
 * browser's own verdict (`ice-failed`, ~15 s in Chromium) comes only after both.
 */
const SDK_OWN_VERDICTS: FailureReason[] = ['checks-silent', 'timeout'];

const direct = { strategy: 'direct' } as const;
const relay = { strategy: 'relay' } as const;
const onDemand = { turnOnDemand: true };
const both = (options: HarnessJoinOptions) => ({ a: options, b: options });
const sides = (call: Record<SideName, SideOutcome>) => [call.a, call.b];

/**
 * What a side may call the other side's relay candidate. Firefox keeps a remote end it learned
 * from a check as prflx even once the matching candidate is signaled; the SDK reports the
 * signaled type when it arrives within a second of connecting, which a loaded machine does not
 * always manage (see the root README, "Browsers"). Chromium swaps the signaled candidate in.
 */
const farRelayTypes = (browser: BrowserName = 'chromium') =>
  browser === 'firefox' ? ['relay', 'prflx'] : ['relay'];

/** Each side's relay-only report: relay on its own end, the other's relay on the far end. */
function expectRelayToRelay(
  call: Record<SideName, SideOutcome>,
  expected: Record<string, unknown>,
  where: string,
  browsers?: Record<SideName, BrowserName>,
) {
  for (const name of ['a', 'b'] as const) {
    const report = call[name].report;
    expect(report, where).toMatchObject({ ...expected, relayed: true, local: { type: 'relay' } });
    expect(farRelayTypes(browsers?.[name]), `${where}, side ${name}`).toContain(
      report!.remote.type,
    );
  }
}

export const CONNECTIVITY: Record<ConnectivityId, ConnectivityScenario> = {
  'port-restricted-direct': {
    title: 'port-restricted NATs connect direct, srflx on both ends (positive control)',
    lab: { a: 'port-restricted', b: 'port-restricted' },
    join: both(direct),
    describe: (call) => `port-restricted, direct: connected in ${call.a.elapsedMs} ms`,
    check: (call, metrics, where) => {
      for (const side of sides(call)) {
        expect(side.error, where).toBeUndefined();
        expect(side.report, where).toMatchObject({
          attempt: 1,
          relayed: false,
          local: { type: 'srflx' },
        });
        expect(['srflx', 'prflx'], where).toContain(side.report!.remote.type);
      }
      expect(metrics, where).toMatchObject({ direct: 2, relayed: 0, fallbacks: 0 });
    },
  },
  'symmetric-direct': {
    title: 'symmetric NATs with direct fail with one clear error, well before 15 s',
    lab: { a: 'symmetric', b: 'symmetric' },
    join: both(direct),
    describe: (call) =>
      `symmetric, direct: failed after ${call.a.elapsedMs} ms: ${call.a.error?.message}`,
    check: (call, metrics, where) => {
      for (const side of sides(call)) {
        expect(side.report, where).toBeUndefined();
        expect(side.errors, where).toHaveLength(1);
        expect(side.error!.code, where).toBe('connect-failed');
        expect(side.error!.details!.attempts, where).toEqual([
          expect.objectContaining({ attempt: 1, turn: false }),
        ]);
        const attempt = side.error!.details!.attempts![0]!;
        // STUN worked (srflx gathered): the symmetric NAT is what stopped it, and the error says so.
        expect(attempt.localCandidateTypes, where).toContain('srflx');
        // Given up by the SDK, before the browser's own failure, whatever the machine's load.
        expect(SDK_OWN_VERDICTS, where).toContain(attempt.reason);
        expect(side.elapsedMs, where).toBeLessThan(FAILURE_LIVENESS_MS);
      }
      expect(metrics, where).toMatchObject({ direct: 0, relayed: 0 });
    },
  },
  'symmetric-auto': {
    title: 'symmetric NATs with auto connect through the relay on attempt 1',
    lab: { a: 'symmetric', b: 'symmetric' },
    join: both({}),
    describe: (call) => `symmetric, auto: connected in ${call.a.elapsedMs} ms`,
    check: (call, metrics, where) => {
      for (const side of sides(call)) {
        expect(side.error, where).toBeUndefined();
        expect(side.fallbacks, where).toEqual([]);
        expect(side.report, where).toMatchObject({ attempt: 1, strategy: 'auto', relayed: true });
        // Under policy `all` one end of the pair is the relay (the other often shows as prflx).
        expect([side.report!.local.type, side.report!.remote.type], where).toContain('relay');
      }
      expect(metrics, where).toMatchObject({ relayed: 2, direct: 0, fallbacks: 0 });
    },
  },
  'symmetric-turn-on-demand': {
    title: 'symmetric NATs with auto and TURN on demand fail attempt 1, then connect relay-only',
    lab: { a: 'symmetric', b: 'symmetric' },
    join: both(onDemand),
    describe: (call) =>
      `symmetric, auto + turnOnDemand: connected on attempt ${call.a.report?.attempt} ` +
      `${call.a.elapsedMs} ms after the second join (report: ${call.a.report?.timeToConnectMs} ms)`,
    check: (call, metrics, where, browsers) => {
      for (const side of sides(call)) {
        expect(side.error, where).toBeUndefined();
        expect(side.fallbacks, where).toEqual([
          expect.objectContaining({ attempt: 2, policy: 'relay' }),
        ]);
      }
      expectRelayToRelay(call, { attempt: 2, turnOnDemand: true }, where, browsers);
      expect(metrics, where).toMatchObject({ relayed: 2, fallbacks: 2 });
    },
  },
  'symmetric-relay': {
    title: 'symmetric NATs with relay connect relay to relay',
    lab: { a: 'symmetric', b: 'symmetric' },
    join: both(relay),
    describe: (call) => `symmetric, relay: connected in ${call.a.elapsedMs} ms`,
    check: (call, metrics, where, browsers) => {
      expectRelayToRelay(call, { attempt: 1, strategy: 'relay' }, where, browsers);
      for (const side of sides(call)) {
        // Both TURN transports are offered and open here; Chromium sometimes settles on the TCP one.
        expect(['udp', 'tcp'], where).toContain(side.report!.local.relayProtocol);
      }
      expect(metrics, where).toMatchObject({ relayed: 2, fallbacks: 0 });
    },
  },
  'udp-blocked-auto': {
    title: 'behind a UDP-blocking NAT, auto connects through TURN over TCP',
    lab: { a: 'udp-blocked', b: 'symmetric' },
    join: both({}),
    describe: (call) =>
      `UDP blocked / symmetric, auto: connected in ${call.a.elapsedMs} ms, local candidates ` +
      sides(call)
        .map(({ report }) => [report?.local.type, report?.local.relayProtocol].filter(Boolean))
        .map((parts) => parts.join(' over '))
        .join(' / '),
    check: (call, metrics, where) => {
      expect(call.a.report, where).toMatchObject({
        relayed: true,
        local: { type: 'relay', relayProtocol: 'tcp' },
      });
      expect(call.b.report, where).toMatchObject({ relayed: true });
      // Side b may take its TURN allocation over UDP or TCP (both are open to it; Firefox sometimes
      // settles on TCP): the counter must say what the two reports say.
      const tcpSides = sides(call).filter((side) => side.report!.local.relayProtocol === 'tcp');
      expect(metrics.tcpRelays, where).toBe(tcpSides.length);
    },
  },
  'turn-down-auto': {
    title: 'with TURN down, auto fails with one error saying no relay candidate was gathered',
    lab: { a: 'symmetric', b: 'symmetric', turn: false },
    join: both({}),
    describe: (call) =>
      `symmetric, TURN down, auto: failed after ${call.a.elapsedMs} ms: ${call.a.error?.message}`,
    check: (call, metrics, where) => {
      for (const side of sides(call)) {
        expect(side.report, where).toBeUndefined();
        expect(side.errors, where).toHaveLength(1);
        expect(side.error!.code, where).toBe('connect-failed');
        expect(side.error!.message, where).toMatch(/no relay candidate was gathered/);
        const attempts = side.error!.details!.attempts!;
        expect(attempts.at(-1), where).toMatchObject({
          policy: 'relay',
          reason: 'no-relay-candidate',
        });
        expect(attempts.at(-1)!.localCandidateTypes, where).not.toContain('relay');
      }
      expect(metrics, where).toMatchObject({ relayed: 0, direct: 0 });
    },
  },
};

/** The server's counters, fetched from inside the lab's public namespace. */
export async function serverMetrics(lab: Lab): Promise<ServerMetrics> {
  const text = await lab.fetchFromPublic(`${lab.server!.url}/metrics`);
  return {
    relayed: counterSum(text, 'icelane_connections_total', { relayed: 'true' }),
    direct: counterSum(text, 'icelane_connections_total', { relayed: 'false' }),
    fallbacks: counterSum(text, 'icelane_relay_fallbacks_total', {}),
    tcpRelays: counterSum(text, 'icelane_connections_total', { relay_protocol: 'tcp' }),
  };
}

/** What the counters grew by since `before`: one call's share on a server several calls used. */
export function metricsSince(before: ServerMetrics, after: ServerMetrics): ServerMetrics {
  return {
    relayed: after.relayed - before.relayed,
    direct: after.direct - before.direct,
    fallbacks: after.fallbacks - before.fallbacks,
    tcpRelays: after.tcpRelays - before.tcpRelays,
  };
}
