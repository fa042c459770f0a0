/**
 * Calls that stay up: a connected call between two NATs is held for a minute as a real video
 * call (camera granted on a secure origin, so host addresses are shown) with a data message every
 * 100 ms. A call that connects and then drops by itself is a failed call. One of them is held at
 * 10 % random loss each way: loss alone must never make the SDK heal a path that never broke.
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import {
  holdCall,
  type HeldSide,
  expect,
  recoveriesOf,
  skipUnlessLabCanRun,
  test,
  type LabOptions,
  type RecoveryEvent,
} from '@icelane/testing/nat-lab';
import { causeShare, expectRatedClear, ratingsOf, ratingsSummary } from './quality-checks.js';

skipUnlessLabCanRun();

/**
 * How long each call is held; `NAT_LAB_HOLD_MS` changes it while working on the lab. A minute
 * spans every periodic mechanism a held call meets that two minutes did: the SDK's ratings (every
 * 3 s: 20 of them) and heartbeats (250 ms), ICE consent checks (every ~5 s; a path without consent
 * for 30 s is dropped: two such spans), the data channel's SCTP heartbeats (every 30 s: two) and
 * socket.io's pings (every 25 s: two). TURN's own refreshes (permissions at 4 minutes, the
 * allocation at 9) fell in neither. The SDK's usage report (every 60 s from the link going live)
 * may now fall just after the hold: what it sends is checked by the usage tests, not by a hold.
 * What a longer hold buys is exposure, not an assertion: a false
 * alarm rarer than one a minute is measured by bench:recovery's 10-minute control holds
 * (docs/benchmarks.md, "Holds without incident: false alarms"), not here.
 */
const HOLD_MS = Number(process.env.NAT_LAB_HOLD_MS ?? 60_000);

/**
 * A relay that reaches private addresses (coturn's default) as most TURN servers people run do:
 * the far side's private host candidates must never reach this side's relay (issue 24).
 */
const RELAY_TO_PRIVATE = { relayRefusesPrivatePeers: false } satisfies Partial<LabOptions>;

/**
 * Both clients on good LTE losing 10 % of packets at random each way (`lte-loss-10`, issue 25's
 * stress for false alarms): before the SDK's silences followed the call's own (196da7b), a
 * 10-minute hold there was healed twice and its signaling closed 8 times. The signaling probe's
 * closes are printed, not asserted: on a machine loaded past 25 one still came in 90 call-minutes
 * (docs/benchmarks.md), and a close heals nothing on the call itself.
 */
const LOSSY = { links: { a: 'lte-loss-10', b: 'lte-loss-10' } } satisfies Partial<LabOptions>;

/**
 * The longest a lossy call's video may stand still without a heal: on `lte-loss-10` frames stood
 * still 1.0-1.8 s at most in 10-minute holds (docs/benchmarks.md, "Holds without incident"). The
 * video is the path's witness: it crosses the same ICE path as the data, and a lost packet of it
 * waits for a NACK's resend or a key frame, never behind SCTP's doubled timer.
 */
const LOSSY_GAP_MS = 4_500;

/**
 * The longest a lossy call's app data may wait. An ordered channel delivers nothing behind a lost
 * message until SCTP resends it, and each try lost again doubles the wait up to 3 s: with a
 * retransmission timeout T the tries come at T, 3T, 7T, 15T…, then every 3 s once a doubled
 * timeout would pass 3 s (docs/benchmarks.md, "Then the data channel waits for its own next
 * retransmission"). The call's packets cross both sides' 10 % links (19 % lost); T was about 0.3 s
 * on clean LTE, more here and on a loaded machine. Waits of 1.2-2.4 s come in every 10-minute
 * hold, and waits of 7.0-7.2 s came in a bench hold (bytes and heartbeats flowing) and a CI hold
 * (the video flowing): a message whose tries were lost three or four times in a row (7T + 3 s at
 * T ≈ 0.6 s, 15T + 3 s at T ≈ 0.3 s) fits them. That is the channel's own wait, not a path the
 * SDK should heal: the path is judged by {@link LOSSY_GAP_MS} on the video, the data by its count
 * and by this bound, which leaves room for one more lost try (3 s) and fails a channel that stops.
 */
const LOSSY_DATA_GAP_MS = 12_000;

/** The share of a lossy call's rated time the rating must name `loss`: it is the cause there. */
const LOSS_NAMED_SHARE = 0.75;

const scenarios = [
  // The default relay (it refuses private peers) at 10 % loss; on perfect links, the fourth call
  // is the same call on the other relay.
  {
    name: 'symmetric / symmetric, auto, 10 % loss each way',
    a: 'symmetric',
    b: 'symmetric',
    options: {},
    lab: LOSSY,
  },
  { name: 'port-restricted / symmetric, auto', a: 'port-restricted', b: 'symmetric', options: {} },
  {
    name: 'symmetric / symmetric, relay',
    a: 'symmetric',
    b: 'symmetric',
    options: { strategy: 'relay' as const },
  },
  {
    name: 'symmetric / symmetric, auto, relay reaching private peers',
    a: 'symmetric',
    b: 'symmetric',
    options: {},
    lab: RELAY_TO_PRIVATE,
  },
] satisfies Array<
  Pick<LabOptions, 'a' | 'b'> & { name: string; options: object; lab?: Partial<LabOptions> }
>;

type HeldCall = { name: string; lossy: boolean; call: Record<'a' | 'b', HeldSide> };

test('video calls hold for a minute with no fallback, no state change and no gap over 1 s (at 10 % loss: video 4.5 s, data 12 s)', async ({
  lab,
}) => {
  test.setTimeout(HOLD_MS + 120_000);
  // The calls run at once, each in its own lab: the suite stays short, and eight browsers sharing
  // the machine is a harder test of "no gap" than one call alone. (Firefox meets a relay that
  // reaches private peers in firefox.spec.ts: a fifth call here, ten browsers, showed data gaps
  // of ~1 s with video flowing on a loaded 2-core machine. So the call under loss is one of the
  // four, not a fifth.)
  const calls: HeldCall[] = await Promise.all(
    scenarios.map(async ({ name, a, b, options, ...scenario }) => {
      const network = await lab({
        a,
        b,
        videoCall: true,
        server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
        ...('lab' in scenario ? scenario.lab : {}),
      });
      const call = await holdCall(network, { a: options, b: options }, HOLD_MS);
      console.log(`${name}: ${describe(call.a)} | ${describe(call.b)}`);
      return { name, lossy: 'lab' in scenario && scenario.lab === LOSSY, call };
    }),
  );

  for (const held of calls) {
    for (const side of [held.call.a, held.call.b]) {
      if (held.lossy) checkLossySide(held.name, side);
      else checkClearSide(held.name, side);
    }
  }
});

/** What every held call keeps: no event after connecting, data all along. */
function checkHeldSide(name: string, side: HeldSide, maxGapMs: number, maxDataGapMs = maxGapMs) {
  expect.soft(side.eventsAfterConnect, name).toEqual([]);
  expect.soft(side.firstReport.attempt, name).toBe(1);
  expect.soft(side.dataGapMs, name).toBeLessThan(maxDataGapMs);
  expect.soft(side.videoGapMs, name).toBeLessThan(maxGapMs);
  // About ten a second for the whole hold: none lost to a dead path, none skipped by the SDK (an
  // ordered channel delivers each message, however late). The longest wait allowed may fall at
  // the hold's end, its messages still on their way when it stops.
  expect.soft(side.received, name).toBeGreaterThan(((HOLD_MS - maxDataGapMs) / 100) * 0.9);
  expect.soft(side.ticksMissing, `${name}: messages never delivered`).toBe(0);
}

/**
 * A perfect link: the rating says what a person would of it: not lost, not poor for its round
 * trip or loss (but while the machine starves the browsers), and not poor at start-up.
 */
function checkClearSide(name: string, side: HeldSide) {
  checkHeldSide(name, side, 1_000);
  expectRatedClear(name, side, side.startedAt + HOLD_MS);
}

/**
 * 10 % loss each way: the path never broke, so the SDK never heals it (no `recovery` event, no
 * `peer:state` change), and the rating names the loss.
 */
function checkLossySide(name: string, side: HeldSide) {
  checkHeldSide(name, side, LOSSY_GAP_MS, LOSSY_DATA_GAP_MS);
  expect.soft(recoveriesOf(side), `${name}: healed without a break`).toEqual([]);
  const named = causeShare(ratingsOf(side), 'loss', side.startedAt + HOLD_MS);
  expect
    .soft(named, `${name}: time rated with loss named`)
    .toBeGreaterThanOrEqual(LOSS_NAMED_SHARE);
}

/**
 * Each healing of a side, as its `recovery` told it: what the watch saw, the step that healed it,
 * the gap, and when in the hold. A clean call's `peer:state` pair alone does not say which rule
 * fired; this does.
 */
function healings(side: HeldSide): string {
  const lines = side.events
    .filter((e) => e.event === 'recovery')
    .map((e) => {
      const { cause, step, gapMs } = e.payload as RecoveryEvent;
      return `${cause} -> ${step} (gap ${gapMs} ms) at ${Math.round((e.at - side.startedAt) / 1000)} s`;
    });
  return lines.join(', ') || 'none';
}

function describe(side: HeldSide): string {
  const { attempt, local, remote } = side.firstReport;
  const loss = causeShare(ratingsOf(side), 'loss', side.startedAt + HOLD_MS);
  const signaling = side.events.filter((e) => e.event === 'signaling').length;
  return (
    `attempt ${attempt} ${local}->${remote}, ${side.received} messages (${side.ticksMissing} missing), ` +
    `${signaling} signaling changes, healed ${healings(side)}, loss named ${Math.round(loss * 100)} % of the time, ` +
    `longest data gap ${side.dataGapMs} ms (from ${Math.round((side.dataGapFrom - side.startedAt) / 1000)} s, ` +
    `${side.framesInDataGap} frames in it), ${side.frames} frames, longest video gap ${side.videoGapMs} ms, ` +
    `rated ${ratingsSummary(side)}`
  );
}
