/**
 * A phone on an IPv6-only mobile network without a CLAT (iOS behind NAT64/DNS64) calls a laptop
 * on IPv4 behind a symmetric NAT. With the servers named (`turn.icelane.test`), the phone resolves
 * them through DNS64, reaches the TURN server through NAT64, and gets an IPv4 relay address the
 * laptop's relay can reach: each strategy connects. With the servers given as IPv4 literals the
 * phone can use none of them, and its `connect-failed` names that cause.
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import {
  PUBLIC_HOST,
  TURN_PORT,
  expect,
  runIn,
  sdkCall,
  skipUnlessLabCanRun,
  test,
  type Lab,
  type SideOutcome,
} from '@icelane/testing/nat-lab';
import type { HarnessJoinOptions } from '@icelane/testing/browser-suite';
import { joinDefaults, type ConnectionReport } from '@icelane/sdk';
import { metricsSince, serverMetrics } from './connectivity-scenarios.js';

skipUnlessLabCanRun();

/** The phone (side a) and the laptop (side b), as video calls run. */
const PHONE_AND_LAPTOP = { a: 'nat64', b: 'symmetric', videoCall: true } as const;
const serverWith = (env: Record<string, string> = {}) => ({
  env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR, ...env },
});

/** coturn's line for each allocation: `IPv4. Local relay addr: 203.0.113.1:49160`. */
const RELAY_ADDRESS = /(IPv[46])\. Local relay addr: (\S+)/;

/** Records the relay addresses coturn allocates (needs the lab's `turnVerbose`, the default). */
function relayAddresses(): { lines: string[]; onLog: (line: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    onLog: (line) => {
      if (process.env.NAT_LAB_DEBUG) console.log(line);
      const match = RELAY_ADDRESS.exec(line);
      if (match) lines.push(`${match[1]} ${match[2]}`);
    },
  };
}

const both = (options: HarnessJoinOptions) => ({ a: options, b: options });

function describeCall(title: string, call: Record<'a' | 'b', SideOutcome>): string {
  const side = ({ report, error, elapsedMs }: SideOutcome) =>
    report
      ? `${report.local.type}${report.local.relayProtocol ? `/${report.local.relayProtocol}` : ''}` +
        ` (${report.local.family ?? '?'}, own ${report.localAddressFamilies?.join('+') ?? '?'})` +
        ` -> ${report.remote.type}, attempt ${report.attempt}, ${report.timeToConnectMs} ms`
      : `failed after ${elapsedMs} ms: ${error?.message}`;
  return `${title}: phone ${side(call.a)}; laptop ${side(call.b)}`;
}

test('an IPv6-only phone behind NAT64/DNS64 calls an IPv4 laptop behind a symmetric NAT by host name: auto, relay and TURN on demand connect through an IPv4 relay', async ({
  lab,
}) => {
  const relays = relayAddresses();
  const network = await lab({ ...PHONE_AND_LAPTOP, server: serverWith(), onLog: relays.onLog });
  const calls: Array<[string, HarnessJoinOptions]> = [
    ['auto', {}],
    ['relay', { strategy: 'relay' }],
    ['auto + turnOnDemand', { turnOnDemand: true }],
  ];
  for (const [title, join] of calls) {
    const before = await serverMetrics(network);
    const call = await sdkCall(network, both(join));
    console.log(describeCall(title, call));
    for (const name of ['a', 'b'] as const) {
      expect(call[name].error, `${title}, side ${name}`).toBeUndefined();
      expect(call[name].report, `${title}, side ${name}`).toMatchObject({ relayed: true });
    }
    // The phone's only way out to IPv4 is its own relay: its end of the pair is the relay, an
    // IPv4 address. Under policy all its report also says the phone's own addresses: IPv6 only
    // (policy relay, attempt 2 of TURN on demand, gathers no host address to tell).
    expect(call.a.report!.local, title).toMatchObject({ type: 'relay', family: 'ipv4' });
    if (join.strategy !== 'relay' && !join.turnOnDemand) {
      expect(call.a.report!.localAddressFamilies, title).toEqual(['ipv6']);
    }
    expect(call.a.report!.attempt, title).toBe(join.turnOnDemand ? 2 : 1);
    expect(metricsSince(before, await serverMetrics(network)), title).toMatchObject({
      relayed: 2,
      direct: 0,
    });
  }
  console.log(`coturn allocated: ${[...new Set(relays.lines)].join(', ')}`);
  // The phone reached coturn over IPv6 (NAT64) and still got an IPv4 relay address.
  expect(relays.lines.length).toBeGreaterThan(0);
  expect(relays.lines.every((line) => line.startsWith('IPv4 '))).toBe(true);
  await expectNoIpv4OnPhone(network);
});

test('with the servers given as IPv4 literals, the IPv6-only phone cannot use them: connect-failed names the cause', async ({
  lab,
}) => {
  const literal = `${PUBLIC_HOST}:${TURN_PORT}`;
  const network = await lab({
    ...PHONE_AND_LAPTOP,
    server: serverWith({
      ICELANE_STUN_URLS: `stun:${literal}`,
      ICELANE_COTURN_URLS: `turn:${literal}?transport=udp,turn:${literal}?transport=tcp`,
    }),
  });
  const call = await sdkCall(network, both({}));
  console.log(describeCall('IPv4 literals, auto', call));
  for (const name of ['a', 'b'] as const) {
    expect(call[name].report, `side ${name}`).toBeUndefined();
    expect(call[name].error?.code, `side ${name}`).toBe('connect-failed');
  }
  const phone = call.a.error!;
  expect((phone.details as { cause?: string }).cause).toBe('ipv6-only-ipv4-servers');
  const [first, ...rest] = phone.details!.attempts!;
  // Host candidates on IPv6 alone, and no server answered: no srflx, no relay, ever.
  expect(first).toMatchObject({ localAddressFamilies: ['ipv6'], localCandidateTypes: ['host'] });
  for (const attempt of rest) expect(attempt.localCandidateTypes).toEqual([]);
});

test('Firefox as the IPv6-only phone, a dual-stack laptop (Chromium): relay goes through NAT64 to an IPv4 relay, auto connects directly over IPv6', async ({
  lab,
}) => {
  const relays = relayAddresses();
  const network = await lab({
    ...PHONE_AND_LAPTOP,
    b: 'none',
    browsers: { a: 'firefox', b: 'chromium' },
    server: serverWith(),
    onLog: relays.onLog,
  });
  const relayed = await sdkCall(network, both({ strategy: 'relay' }));
  console.log(describeCall('Firefox phone, dual-stack laptop, relay', relayed));
  for (const name of ['a', 'b'] as const) {
    expect(relayed[name].error, `relay, side ${name}`).toBeUndefined();
    expect(relayed[name].report, `relay, side ${name}`).toMatchObject({ relayed: true });
  }
  expect(relayed.a.report!.local).toMatchObject({ type: 'relay', family: 'ipv4' });
  expect(relays.lines.length).toBeGreaterThan(0);
  expect(relays.lines.every((line) => line.startsWith('IPv4 '))).toBe(true);

  // Chromium offers, so it is in control of ICE: it selects the first pair that works and moves
  // the call to a better one once that one works. Firefox's host address is an mDNS name here,
  // which Chromium learns only from Firefox's check: at times a pair through Firefox's relay
  // works first and the call moves to the direct pair a few hundred ms after it opened (README).
  // The SDK reports the pair the call moves to, told within its settling time (its connect
  // deadline): it waits for that pair when the move is in sight as the call opens.
  const before = await serverMetrics(network);
  const direct = await sdkCall(network, both({}), undefined, undefined, {
    directWithinMs: joinDefaults.connectTimeoutMs,
  });
  console.log(describeCall('Firefox phone, dual-stack laptop, auto', direct));
  for (const name of ['a', 'b'] as const) {
    const { error, reports } = direct[name];
    const path = `auto, side ${name}: ${reports.map(describePair).join(', then ')}`;
    console.log(path);
    expect(error, path).toBeUndefined();
    expect(reports.at(-1), path).toMatchObject({ attempt: 1, relayed: false });
    // Opened on a relay only while no move was in sight: then the move was told (above), once.
    expect(
      reports.slice(1).every((report) => !report.relayed),
      path,
    ).toBe(true);
  }
  // The phone's own IPv6 address: nothing of NAT64 in the path.
  // (Firefox's stats hide its host address here: the report tells no family.)
  expect(direct.a.reports.at(-1)!.local.type).toBe('host');
  // The server counts each connection once, as its first report says it came up.
  const firstDirect = (['a', 'b'] as const).filter((name) => !direct[name].report!.relayed);
  expect(metricsSince(before, await serverMetrics(network))).toMatchObject({
    direct: firstDirect.length,
    relayed: 2 - firstDirect.length,
  });
});

const describePair = ({ local, remote, relayed }: ConnectionReport) =>
  `${local.type} -> ${remote.type}${relayed ? ' (relayed)' : ''}`;

/** The phone's namespace has no IPv4 address but loopback: it is IPv6-only indeed. */
async function expectNoIpv4OnPhone(network: Lab): Promise<void> {
  const addresses = await runIn(network.network.sides.a.ns, 'ip', ['-4', '-o', 'addr', 'show']);
  expect(addresses.trim().split('\n')).toEqual([expect.stringMatching(/ lo .*127\.0\.0\.1/)]);
}
