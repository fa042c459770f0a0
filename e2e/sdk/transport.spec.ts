import type { Page } from '@playwright/test';
import {
  BROWSER_NAMES,
  expect,
  test,
  joinInPage,
  signalingTransport,
  waitForEvents,
  type RoomPage,
  type WireEntry,
} from '@icelane/testing/browser-suite';
import { startIcelaneStack } from '../support/icelane-stack.js';

/** The page's signaling traffic is recorded from before its join. */
const recorded = { recordSignalingWire: true };

/** What the page's signaling connection did: polling requests, WebSockets opened and failed. */
async function transportsUsed(page: Page) {
  const wire = await page.evaluate(
    () => (window as unknown as { signalingWire: WireEntry[] }).signalingWire,
  );
  const count = (kind: WireEntry['kind']) => wire.filter((entry) => entry.kind === kind).length;
  return { polls: count('poll-out'), opened: count('ws-open'), failed: count('ws-error') };
}

test('a first connection opens on WebSocket and makes no long-polling request, in chromium', async ({
  browsers,
}) => {
  const browser = await browsers('chromium');
  const stack = await startIcelaneStack();
  const pages: RoomPage[] = [];
  try {
    const ada = await joinInPage(browser, stack.url, 'websocket-first', {}, recorded);
    pages.push(ada);
    // socket.io's default opens on long-polling (two requests at least) and upgrades later.
    expect(await transportsUsed(ada.page)).toEqual({ polls: 0, opened: 1, failed: 0 });
    expect(await signalingTransport(ada.page)).toBe('websocket');
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await stack.stop();
  }
});

for (const browserName of BROWSER_NAMES) {
  test(`where WebSocket is refused, the page joins over long-polling and hears the room, in ${browserName}`, async ({
    browsers,
  }) => {
    const browser = await browsers(browserName);
    // A server that accepts long-polling only answers a WebSocket handshake with HTTP 400, as a
    // proxy that refuses the upgrade does.
    const stack = await startIcelaneStack({ env: { ICELANE_TRANSPORTS: 'polling' } });
    const pages: RoomPage[] = [];
    try {
      const ada = await joinInPage(browser, stack.url, 'polling-only', { name: 'Ada' }, recorded);
      pages.push(ada);
      const bob = await joinInPage(browser, stack.url, 'polling-only', { name: 'Bob' }, recorded);
      pages.push(bob);
      for (const { page } of [ada, bob]) {
        // WebSocket was tried first, and failed once; then long-polling.
        const used = await transportsUsed(page);
        expect(used).toMatchObject({ opened: 0, failed: 1 });
        expect(used.polls).toBeGreaterThan(0);
        expect(await signalingTransport(page)).toBe('polling');
      }
      // The server pushes over polling too: Ada hears that Bob joined.
      const [joined] = await waitForEvents<{ peerId: string }>(ada.page, 'peer:joined');
      expect(joined).toEqual({ peerId: bob.peerId, name: 'Bob' });
    } finally {
      await Promise.all(pages.map((p) => p.close()));
      await stack.stop();
    }
  });
}
