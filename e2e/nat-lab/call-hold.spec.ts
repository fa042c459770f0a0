/**
 * Calls that stay up: a connected call between two NATs is held for two minutes as a real video
 * call (camera granted on a secure origin, so host addresses are shown) with a data message every
 * 100 ms. A call that connects and then drops by itself is a failed call.
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import {
  holdCall,
  type HeldSide,
  expect,
  skipUnlessLabCanRun,
  test,
  type LabOptions,
} from '@icelane/testing/nat-lab';
import { CLEAR_LINK_SHARE, clearLinkShare, ratingsOf, summary } from './quality-checks.js';

skipUnlessLabCanRun();

/** How long each call is held; `NAT_LAB_HOLD_MS` shortens it while working on the lab. */
const HOLD_MS = Number(process.env.NAT_LAB_HOLD_MS ?? 120_000);

/**
 * A relay that reaches private addresses (coturn's default) as most TURN servers people run do:
 * the far side's private host candidates must never reach this side's relay (issue 24).
 */
const RELAY_TO_PRIVATE = { relayRefusesPrivatePeers: false } satisfies Partial<LabOptions>;

const scenarios = [
  { name: 'symmetric / symmetric, auto', a: 'symmetric', b: 'symmetric', options: {} },
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

test('video calls hold for two minutes with no fallback, no state change and no gap over 1 s', async ({
  lab,
}) => {
  test.setTimeout(HOLD_MS + 120_000);
  // The calls run at once, each in its own lab: the suite stays short, and eight browsers sharing
  // the machine is a harder test of "no gap" than one call alone. (Firefox meets a relay that
  // reaches private peers in firefox.spec.ts: a fifth call here, ten browsers, showed data gaps
  // of ~1 s with video flowing on a loaded 2-core machine.)
  const held = await Promise.all(
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
      return { name, call };
    }),
  );

  for (const { name, call } of held) {
    for (const side of [call.a, call.b]) {
      expect.soft(side.eventsAfterConnect, name).toEqual([]);
      expect.soft(side.firstReport.attempt, name).toBe(1);
      expect.soft(side.dataGapMs, name).toBeLessThan(1_000);
      expect.soft(side.videoGapMs, name).toBeLessThan(1_000);
      // About ten a second for the whole hold: none lost to a dead path.
      expect.soft(side.received, name).toBeGreaterThan((HOLD_MS / 100) * 0.9);
      // The rating says what a person would of a perfect link: not lost, not poor for its round
      // trip or loss (but while the machine starves the browsers), and not poor at start-up.
      const told = ratingsOf(side);
      const share = clearLinkShare(told, side.startedAt + HOLD_MS);
      expect.soft(share, `${name}: time rated clear`).toBeGreaterThanOrEqual(CLEAR_LINK_SHARE);
      expect.soft(told[0]?.quality.rating, `${name}: the first window`).not.toBe('poor');
    }
  }
});

function describe(side: HeldSide): string {
  const { attempt, local, remote } = side.firstReport;
  return (
    `attempt ${attempt} ${local}->${remote}, ${side.received} messages, ` +
    `longest data gap ${side.dataGapMs} ms, ${side.frames} frames, longest video gap ${side.videoGapMs} ms, ` +
    `rated ${
      ratingsOf(side)
        .map(({ quality }) => summary(quality))
        .join(' -> ') || 'never'
    }`
  );
}
