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

skipUnlessLabCanRun();

/** How long each call is held; `NAT_LAB_HOLD_MS` shortens it while working on the lab. */
const HOLD_MS = Number(process.env.NAT_LAB_HOLD_MS ?? 120_000);

const scenarios = [
  { name: 'symmetric / symmetric, auto', a: 'symmetric', b: 'symmetric', options: {} },
  { name: 'port-restricted / symmetric, auto', a: 'port-restricted', b: 'symmetric', options: {} },
  {
    name: 'symmetric / symmetric, relay',
    a: 'symmetric',
    b: 'symmetric',
    options: { strategy: 'relay' as const },
  },
] satisfies Array<Pick<LabOptions, 'a' | 'b'> & { name: string; options: object }>;

test('video calls hold for two minutes with no fallback, no state change and no gap over 1 s', async ({
  lab,
}) => {
  test.setTimeout(HOLD_MS + 120_000);
  // The three calls run at once, each in its own lab: the suite stays short, and six browsers
  // sharing the machine is a harder test of "no gap" than one call alone.
  const held = await Promise.all(
    scenarios.map(async ({ name, a, b, options }) => {
      const network = await lab({
        a,
        b,
        videoCall: true,
        server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
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
    }
  }
});

function describe(side: HeldSide): string {
  const { attempt, local, remote } = side.firstReport;
  return (
    `attempt ${attempt} ${local}->${remote}, ${side.received} messages, ` +
    `longest data gap ${side.dataGapMs} ms, ${side.frames} frames, longest video gap ${side.videoGapMs} ms`
  );
}
