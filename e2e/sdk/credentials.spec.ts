import { expect, test } from '@playwright/test';
import { startIcelaneStack, type IcelaneStack } from '../support/icelane-stack.js';
import {
  joinInPage,
  joinTwo,
  waitForEvents,
  waitForReport,
  type RoomPage,
} from '@icelane/testing/browser-suite';

const TTL_SECONDS = 60;
/**
 * The SDK's CLOSE_GRACE_MS (packages/sdk/src/peer-link-connection.ts): a live connection that
 * closes waits this long for its reason (the peer left) before it counts as failed and is retried.
 * A close before `peer:left` has had it by the time `peer:left` is seen plus this; one after it
 * finds the link gone.
 */
const CLOSE_GRACE_MS = 1_000;

let stack: IcelaneStack;
const pages: RoomPage[] = [];

test.beforeAll(async () => {
  stack = await startIcelaneStack({ env: { ICELANE_TURN_TTL_SECONDS: String(TTL_SECONDS) } });
});
test.afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});
test.afterAll(async () => {
  await stack?.stop();
});

test('fresh TURN credentials arrive before the old ones expire, and the relayed call stays up', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  // A lead longer than the credential's life: the refresh comes halfway, about 30 s after joining.
  const options = { strategy: 'relay' as const, iceRefreshLeadMs: 5 * 60_000 };
  const [ada, bob] = await joinTwo(browser, stack.url, 'refresh', options, pages);
  await waitForReport(ada.page, bob.peerId);
  const first = await ada.page.evaluate(() => window.harness.room!.ice);

  const [fresh] = await waitForEvents<typeof first>(ada.page, 'ice', 1, 45_000);
  expect(fresh!.expiresAt).toBeGreaterThan(first.expiresAt!);
  expect(fresh!.iceServers.find((s) => s.username)?.username).not.toBe(
    first.iceServers.find((s) => s.username)?.username,
  );
  // The refresh came before the old credentials' expiry, not after.
  const at = await ada.page.evaluate(
    () => window.harness.events.find((e) => e.event === 'ice')!.at,
  );
  expect(at).toBeLessThan(first.expiresAt!);
  expect(at).toBeGreaterThan(first.expiresAt! - TTL_SECONDS * 1000 + 25_000);
  // Exactly one refresh so far: no loop.
  expect(await ada.page.evaluate(() => window.harness.of('ice').length)).toBe(1);
  expect(await ada.page.evaluate(() => window.harness.room!.ice)).toEqual(fresh);

  await bob.page.evaluate(() => window.harness.send('still here'));
  await expect.poll(() => ada.page.evaluate(() => window.harness.of('data'))).toHaveLength(1);
  expect(await ada.page.evaluate(() => window.harness.peers()[0]!.state)).toBe('connected');
  expect(await ada.page.evaluate(() => window.harness.of('error'))).toEqual([]);
});

test('turn on demand keeps TURN out of attempt 1 and says so in the report', async ({
  browser,
}) => {
  const options = { turnOnDemand: true, fakeMedia: true };
  const [ada, bob] = await joinTwo(browser, stack.url, 'on-demand', options, pages);
  const report = await waitForReport(ada.page, bob.peerId);
  // This machine's peers reach each other directly, so STUN alone connects on attempt 1.
  expect(report).toMatchObject({
    attempt: 1,
    strategy: 'auto',
    turnOnDemand: true,
    relayed: false,
  });
  const [state] = await waitForEvents<{ policy: string }>(ada.page, 'peer:state');
  expect(state).toMatchObject({ state: 'connecting', attempt: 1, policy: 'all' });
});

test('a peer leaving closes its connection on the other side without an error', async ({
  browser,
}) => {
  const ada = await joinInPage(browser, stack.url, 'leaving');
  pages.push(ada);
  const bob = await joinInPage(browser, stack.url, 'leaving');
  await waitForReport(ada.page, bob.peerId);
  await bob.close();

  const [left] = await waitForEvents<{ peerId: string }>(ada.page, 'peer:left');
  expect(left).toEqual({ peerId: bob.peerId });
  expect(await ada.page.evaluate(() => window.harness.peers())).toEqual([]);
  await ada.page.waitForTimeout(CLOSE_GRACE_MS);
  expect(await ada.page.evaluate(() => window.harness.of('error'))).toEqual([]);
  expect(await ada.page.evaluate(() => window.harness.of('fallback'))).toEqual([]);
});
