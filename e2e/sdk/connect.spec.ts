import { expect, test } from '@playwright/test';
import { startIcelaneStack, type IcelaneStack } from '../support/icelane-stack.js';
import {
  joinInPage,
  openSdkPage,
  waitForEvents,
  waitForReport,
  type RoomPage,
} from '@icelane/testing/browser-suite';

let stack: IcelaneStack;
const pages: RoomPage[] = [];

test.beforeAll(async () => {
  stack = await startIcelaneStack();
});
test.afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});
test.afterAll(async () => {
  await stack?.stop();
});

test('two pages connect: the data channel carries text and the fake camera frames arrive', async ({
  browser,
}) => {
  const ada = await joinInPage(browser, stack.url, 'connect-media', {
    name: 'Ada',
    fakeMedia: true,
  });
  pages.push(ada);
  const bob = await joinInPage(browser, stack.url, 'connect-media', {
    name: 'Bob',
    fakeMedia: true,
  });
  pages.push(bob);

  const [joined] = await waitForEvents<{ peerId: string; name?: string }>(ada.page, 'peer:joined');
  expect(joined).toEqual({ peerId: bob.peerId, name: 'Bob' });
  const adaReport = await waitForReport(ada.page, bob.peerId);
  const bobReport = await waitForReport(bob.page, ada.peerId);
  for (const report of [adaReport, bobReport]) {
    expect(report.attempt).toBe(1);
    expect(report.strategy).toBe('auto');
    expect(report.timeToConnectMs).toBeGreaterThan(0);
  }
  console.log(
    `auto: connected in ${adaReport.timeToConnectMs} ms, ${adaReport.local.type}→${adaReport.remote.type}`,
  );

  await ada.page.evaluate((to) => window.harness.send('hello from Ada', to), bob.peerId);
  const [message] = await waitForEvents<{ peerId: string; data: string }>(bob.page, 'data');
  expect(message).toEqual({ peerId: ada.peerId, data: 'hello from Ada' });

  // Frames keep arriving from the other side's fake camera.
  await expect
    .poll(() => bob.page.evaluate((from) => window.harness.framesFrom(from), ada.peerId))
    .toBeGreaterThan(10);
  await expect
    .poll(() => ada.page.evaluate((from) => window.harness.framesFrom(from), bob.peerId))
    .toBeGreaterThan(10);

  const peers = await ada.page.evaluate(() => window.harness.peers());
  expect(peers).toMatchObject([
    { peerId: bob.peerId, name: 'Bob', state: 'connected', attempt: 1 },
  ]);
});

test("a peer joining while another's simple-peer is still loading is heard, and connects on its first attempt", async ({
  browser,
}) => {
  const ada = await joinInPage(browser, stack.url, 'connect-early', { name: 'Ada' });
  pages.push(ada);
  // Bob's join goes out at once, but his simple-peer chunk is held back until Carol has joined
  // and offered to him: her `peer:joined` and offer reach Bob before his room exists.
  const { page, context } = await openSdkPage(browser, stack.url);
  let loadChunk!: () => void;
  const chunkHeld = new Promise<void>((resolve) => (loadChunk = resolve));
  await page.route(/\/assets\/simple-peer-[^/]*\.js$/, async (route) => {
    await chunkHeld;
    await route.continue();
  });
  const joining = page.evaluate(
    (url) => window.harness.join(url, 'connect-early', { name: 'Bob' }),
    stack.url,
  );
  const [bobSeen] = await waitForEvents<{ peerId: string }>(ada.page, 'peer:joined');
  const carol = await joinInPage(browser, stack.url, 'connect-early', { name: 'Carol' });
  pages.push(carol);
  // Carol is the newcomer: once she reached Ada, her offer to Bob is on its way too.
  await waitForReport(carol.page, ada.peerId);
  await expect
    .poll(async () => (await carol.page.evaluate(() => window.harness.peers())).length)
    .toBe(2);
  loadChunk();
  const joined = await joining;
  expect(joined).toMatchObject({ ok: true, peerId: bobSeen!.peerId });
  pages.push({ page, context, peerId: bobSeen!.peerId, close: () => context.close() });

  const report = await waitForReport(page, carol.peerId);
  expect(report.attempt).toBe(1);
  const heard = await waitForEvents<{ peerId: string; name?: string }>(page, 'peer:joined', 2);
  expect(heard).toEqual(
    expect.arrayContaining([
      { peerId: ada.peerId, name: 'Ada' },
      { peerId: carol.peerId, name: 'Carol' },
    ]),
  );
});
