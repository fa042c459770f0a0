/**
 * Driving the SDK test page from a test: open it, join a room, wait for events.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';
import type { ConnectionReport } from '@icelane/sdk';
import { join } from 'node:path';
import { SDK_PAGE_DIR } from './build-sdk-page.js';
import { recordSignalingWire } from './signaling-wire.js';
import type { HarnessJoinOptions } from './sdk-page/main.js';

export interface RoomPage {
  page: Page;
  context: BrowserContext;
  peerId: string;
  close(): Promise<void>;
}

export interface SdkPageOptions {
  /**
   * Keep every RTCPeerConnection the page creates, so `rawStats()` can read the browser's own
   * getStats() beside the SDK's report.
   */
  recordPeerConnections?: boolean;
  /** Open the page with this storage (cookies, `localStorage`): a browser profile used before. */
  storageState?: BrowserContextOptions['storageState'];
  /**
   * The test serves the page at the server's origin, from `SDK_PAGE_DIR`, for a server that does
   * not serve it itself (an app with icelane mounted in it).
   */
  servePage?: boolean;
  /** Keep the signaling connection's packets, timed, in `window.signalingWire` (signaling-wire.ts). */
  recordSignalingWire?: boolean;
}

/** Opens the page served by the server at `serverUrl` in a fresh browser context. */
export async function openSdkPage(
  browser: Browser,
  serverUrl: string,
  pageOptions: SdkPageOptions = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext(
    pageOptions.storageState ? { storageState: pageOptions.storageState } : {},
  );
  if (pageOptions.recordPeerConnections) {
    await context.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const recorded: RTCPeerConnection[] = [];
      (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = recorded;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          recorded.push(this);
        }
      };
    });
  }
  if (pageOptions.recordSignalingWire) await context.addInitScript(recordSignalingWire);
  if (pageOptions.servePage) {
    const origin = new URL(serverUrl).origin;
    await context.route(
      (url) =>
        url.origin === origin && (url.pathname === '/' || url.pathname.startsWith('/assets/')),
      (route) => {
        const path = new URL(route.request().url()).pathname;
        return route.fulfill({ path: join(SDK_PAGE_DIR, path === '/' ? 'index.html' : path) });
      },
    );
  }
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await openPage(page, new URL('/', serverUrl).href);
  // Playwright waits without limit by default (no action timeout): a page whose script never
  // ran would hold a bench until its own much longer deadline, saying nothing.
  await page
    .waitForFunction(() => typeof window.harness === 'object', undefined, {
      timeout: PAGE_READY_TIMEOUT_MS,
    })
    .catch((error: unknown) => {
      throw new Error(`the SDK test page at ${serverUrl} never set up its harness`, {
        cause: error,
      });
    });
  return { page, context };
}

/** A test page's script runs in well under a second; a loaded machine gets thirty times that. */
const PAGE_READY_TIMEOUT_MS = 30_000;

/** Opens the page and joins `room` on the server that served it; throws with the SDK's error. */
export async function joinInPage(
  browser: Browser,
  serverUrl: string,
  room: string,
  options: HarnessJoinOptions = {},
  pageOptions: SdkPageOptions = {},
): Promise<RoomPage> {
  const { page, context } = await openSdkPage(browser, serverUrl, pageOptions);
  const result = await page.evaluate(([url, name, opts]) => window.harness.join(url, name, opts), [
    serverUrl,
    room,
    options,
  ] as const);
  if (!result.ok) {
    await context.close();
    throw new Error(`join failed: ${JSON.stringify(result.error)}`);
  }
  return {
    page,
    context,
    peerId: result.peerId,
    close: async () => {
      await page.evaluate(() => window.harness.leave()).catch(() => {});
      await context.close();
    },
  };
}

/**
 * Two pages joining the same room with the same options, in order (the second offers to the
 * first). Each is added to `opened` as soon as it exists, so the caller's cleanup closes it.
 * `browser` may be a pair: the first joins in `browser[0]`, the one that offers in `browser[1]`.
 */
export async function joinTwo(
  browser: Browser | readonly [Browser, Browser],
  serverUrl: string,
  room: string,
  options: HarnessJoinOptions,
  opened: RoomPage[],
  pageOptions: SdkPageOptions = {},
): Promise<[RoomPage, RoomPage]> {
  const [inFirst, inSecond] = 'newContext' in browser ? [browser, browser] : browser;
  const first = await joinInPage(inFirst, serverUrl, room, options, pageOptions);
  opened.push(first);
  const second = await joinInPage(inSecond, serverUrl, room, options, pageOptions);
  opened.push(second);
  return [first, second];
}

/**
 * Returns once each side has received everything the other sent it over signaling before the
 * call. A round trip on one socket comes back behind everything the server relayed to it before,
 * and the server relays a signal before it answers a later request on the sender's socket (the
 * relay awaits only the roster): so round trips on b, then a, then b cover both ways. The round
 * trip is an ICE refresh, which gives a failed link nothing to do.
 */
export async function signalingBarrier(a: RoomPage, b: RoomPage): Promise<void> {
  for (const side of [b, a, b]) {
    await side.page.evaluate(async () => {
      await window.harness.room!.refreshIce();
    });
  }
}

/** Waits until `event` was emitted `count` times and returns the payloads so far. */
export async function waitForEvents<T = unknown>(
  page: Page,
  event: string,
  count = 1,
  timeoutMs = 20_000,
): Promise<T[]> {
  await page.waitForFunction(
    ([name, n]) => window.harness.of(name as never).length >= n,
    [event, count] as const,
    { timeout: timeoutMs },
  );
  return (await page.evaluate((name) => window.harness.of(name as never), event)) as T[];
}

/** Waits for the first connection report about `peerId`. */
export async function waitForReport(
  page: Page,
  peerId: string,
  timeoutMs = 20_000,
): Promise<ConnectionReport> {
  await page.waitForFunction(
    (id) => window.harness.of('report').some((p) => (p as { peerId: string }).peerId === id),
    peerId,
    { timeout: timeoutMs },
  );
  const reports = (await page.evaluate(() => window.harness.of('report'))) as Array<{
    peerId: string;
    report: ConnectionReport;
  }>;
  return reports.find((r) => r.peerId === peerId)!.report;
}

/** One stats entry as the browser gives it (`RTCStats` plus the fields of its type). */
export type RawStats = Record<string, unknown> & { id: string; type: string };

/**
 * The browser's own getStats() for every RTCPeerConnection the page created (opened with
 * `recordPeerConnections`), newest last; closed connections give an empty list.
 */
export async function rawStats(page: Page): Promise<RawStats[][]> {
  return page.evaluate(async () => {
    const recorded =
      (window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections ?? [];
    return Promise.all(
      recorded.map(async (pc) => {
        if (pc.connectionState === 'closed') return [];
        const report = await pc.getStats();
        return [...report.values()].map((entry) => ({ ...entry }) as RawStats);
      }),
    );
  });
}

/** engine.io-client's transport, as far as a test looks into it. */
type TransportInternals = {
  name: string;
  writable: boolean;
  write(packets: Array<{ data?: unknown }>): void;
};

/** The socket.io client inside the page's room, as far as a test looks into it. */
type SignalingInternals = {
  socket: { io: { engine?: { transport?: TransportInternals; close(): void } } };
};

/** The engine.io transport the page's signaling connection is on now (`websocket`, `polling`). */
export async function signalingTransport(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () => (window.harness.room as unknown as SignalingInternals).socket.io.engine?.transport?.name,
  );
}

/** Closes the page's signaling connection under the SDK, as a dead network would end it. */
export async function dropSignaling(page: Page): Promise<void> {
  await page.evaluate(() =>
    (window.harness.room as unknown as SignalingInternals).socket.io.engine?.close(),
  );
}

/**
 * Cuts the page's write of a final usage report short where Firefox may cancel a closing page's
 * script (see the SDK's page-hide.ts): inside engine.io-client's WebSocket write, once it has
 * marked the transport unwritable and before it sends or queues the microtask that marks it
 * writable again. The script that wrote ends there, as a cancelled one does. Only the first such
 * write: the others go as they would.
 */
export async function cutFinalUsageWrite(page: Page): Promise<void> {
  await page.evaluate(() => {
    const internals = window.harness.room as unknown as SignalingInternals;
    const transport = internals.socket.io.engine!.transport!;
    const write = transport.write.bind(transport);
    transport.write = (packets) => {
      const final = packets.some((packet) => String(packet.data).includes('"final":true'));
      if (!final) return write(packets);
      transport.write = write;
      transport.writable = false;
      throw new Error('cut short, as Firefox cancels the script of a closing page');
    };
  });
}

/**
 * Opens `url`, once more if Chromium aborted the load because the network changed: a lab
 * namespace's IPv6 addresses may still be settling when its browser starts (seen once in CI, the
 * IPv6-only phone's first page), and what a test asserts starts only once its page is there.
 */
async function openPage(page: Page, url: string): Promise<void> {
  try {
    await page.goto(url);
  } catch (error) {
    if (!String(error).includes('net::ERR_NETWORK_CHANGED')) throw error;
    await page.goto(url);
  }
}
