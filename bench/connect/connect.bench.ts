/**
 * Connect time through the NAT lab, and whether calls stay up. One lab per scenario and mode, a
 * fresh page pair per call; each SDK call is held after connecting (30 s by default) with data
 * every 100 ms. The figures are printed as a table and written to bench/results/connect.json
 * (`BENCH_CONNECT_RESULTS` writes them elsewhere). Nothing here fails on a time or on a call that
 * dropped: a scenario fails only when its calls cannot be made at all.
 */
import { cpus, loadavg, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import { skipUnlessLabCanRun, test, type Lab } from '@icelane/testing/nat-lab';
import { linksOn } from '../lib/profiles.js';
import { baselineRun, type BaselineRunResult } from './baseline-run.js';
import { formatPreAttemptTable } from './pre-attempt.js';
import { figuresOf, formatTable, writeFigures, type ScenarioFigures } from './report.js';
import type { HoldResult } from './hold.js';
import { HOLD_MS, SCENARIOS, linkRttMs } from './scenarios.js';
import { callTimeoutMs, sdkConnectRun, type SdkRunResult } from './sdk-run.js';

/**
 * The largest one-way uplink delay at which calls connected with the SDK's defaults
 * (docs/benchmarks.md, "The largest one-way delay at which calls still connect": 4500 ms on
 * 2026-12-07; 5000 ms failed on socket.io's connect timeout). Below it, a delay row where no call
 * connects fails the bench.
 */
const UPLINK_DELAY_KNOWN_TO_CONNECT_MS = 4_500;

const RESULTS =
  process.env.BENCH_CONNECT_RESULTS ||
  fileURLToPath(new URL('../results/connect.json', import.meta.url));

/** Opening and closing a call's two pages, in the test's time beside the call's own deadline. */
const PAGES_MS = 20_000;

skipUnlessLabCanRun();
test.describe.configure({ mode: 'serial' });

const figures: ScenarioFigures[] = [];
let browserVersion = 'unknown';
/** The machine is shared: the load average (1, 5, 15 min) says how busy it was. */
const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);

for (const scenario of SCENARIOS) {
  test(scenario.title, async ({ lab }) => {
    const sdk = scenario.kind === 'sdk' ? scenario : undefined;
    const rttMs = linkRttMs(scenario);
    // Each call: connecting (callTimeoutMs at most), the hold, opening and closing the pages;
    // plus the lab and the warm-up call.
    const callMs = callTimeoutMs(rttMs) + PAGES_MS + (sdk?.holdMs ?? 0);
    test.setTimeout(Math.max(20 * 60_000, (scenario.runs + 1) * callMs));
    const network: Lab = await lab({
      ...scenario.nat,
      server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
      videoCall: sdk?.mode === 'video',
      ...(sdk?.relayRefusesPrivatePeers === false ? { relayRefusesPrivatePeers: false } : {}),
      ...sdk?.lab,
      ...(scenario.link
        ? { links: { a: scenario.link.setting, b: scenario.link.setting } }
        : linksOn(scenario.profile)),
    });
    browserVersion = (await network.browser('a')).version();
    const call = (holdMs = 0) =>
      sdk
        ? sdkConnectRun(network, sdk.options, { holdMs, linkRttMs: rttMs })
        : baselineRun(network);
    // The first call of a lab warms the browsers' processes up; it is not counted nor held. The
    // baseline, ~16 s a call and not about milliseconds, has none.
    if (sdk) await call();

    const allocationsBefore = network.turnLog.allocations().length;
    const samples: (SdkRunResult | BaselineRunResult)[] = [];
    for (let i = 0; i < scenario.runs; i++) {
      const sample: SdkRunResult | BaselineRunResult = await call(sdk?.holdMs).catch(
        (error: unknown) => ({
          ok: false,
          error: error instanceof Error ? error.message.split('\n')[0] : String(error),
        }),
      );
      samples.push(sample);
      const took = sample.ok ? `${sample.joinToOpenMs} ms` : `failed: ${sample.error}`;
      const hold = 'hold' in sample && sample.hold ? `, ${describeHold(sample.hold)}` : '';
      console.log(`${scenario.id} call ${i + 1}/${scenario.runs}: ${took}${hold}`);
    }
    const allocations = network.turnLog.allocations().length - allocationsBefore;
    figures.push({ ...figuresOf(scenario, samples), allocations });
    // A delay on the uplinks is swept up to where calls stop opening: past the largest delay
    // known to connect, no call is the figure, and the next delays still run.
    const pastKnownLimit = (scenario.link?.rttMs ?? 0) > UPLINK_DELAY_KNOWN_TO_CONNECT_MS;
    if (samples.every((s) => !s.ok) && !pastKnownLimit) {
      throw new Error(`no call of "${scenario.title}" connected`);
    }
  });
}

test.afterAll(async () => {
  if (figures.length === 0) return;
  console.log(`\nConnect time, ms (median / p95), and calls held:\n\n${formatTable(figures)}\n`);
  console.log(
    "\nBefore the first attempt, ms from b's join (median / p95, median in client–server " +
      `round trips):\n\n${formatPreAttemptTable(figures)}\n`,
  );
  await writeFigures(RESULTS, {
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, kernel: release(), browser: `Chromium ${browserVersion}` },
    method:
      'NAT lab (network namespaces on loopback, coturn and the icelane server on the public ' +
      'segment), one lab per scenario and mode, a fresh page pair per call, first SDK call of a ' +
      'lab not counted. Modes: hidden = no media permission, host addresses hidden behind mDNS ' +
      'names; video = a real video call (camera granted on a secure origin, 320x240 fake camera ' +
      'sent both ways, host addresses shown). join → open: side b calls joinRoom (in video mode ' +
      'once its camera is captured) → both links connected (data channel open). Phases: side ' +
      "b's (the offerer's) connection report. preAttempt: b's signaling steps from its join, " +
      'timed in the page from the engine.io packets it sent and received, a hearing of b ' +
      "(peer:joined), and b's attempt 1 started. p95 by nearest rank. Hold: each counted SDK call " +
      'is then held for holdMs with a data message every 100 ms each way; it held when neither ' +
      'side saw a fallback, state change, departure or error after connecting, nor more than ' +
      '1 s without data counted from the first message it received, and that first message ' +
      "came within 1 s plus the link's one-way trip between the clients (its client-server " +
      "round trip). firstDataMs: the later side's first message, from the hold's start. Link: the link profile both clients were on (the lab's link " +
      "emulator; perfect = plain veths); in RTTs = join → open / the profile's client-server " +
      'round trip.',
    holdMs: HOLD_MS,
    load: { atStart: loadAtStart, atEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
    scenarios: figures,
  });
  console.log(`Figures written to ${RESULTS}`);
});

function describeHold(hold: HoldResult): string {
  const video = hold.videoGapMs === undefined ? '' : `, video gap ${hold.videoGapMs} ms`;
  const events = [...hold.a.events, ...hold.b.events].map((e) => e.event);
  return (
    `${hold.held ? 'held' : 'did NOT hold'} ${hold.holdMs / 1000} s: first data ` +
    `${hold.firstDataMs ?? '–'} ms, then data gap ${hold.dataGapMs} ms` +
    `${video}${events.length > 0 ? `, after connecting: ${events.join(', ')}` : ''}`
  );
}
