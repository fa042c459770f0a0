/**
 * The example apps (examples/): icelane mounted in an express app at the root and in a fastify
 * app under /rtc. Each is started as a user would start it, its own route, `/ice` and `/healthz`
 * answer on its one port, and two pages call each other through it (issue 23).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { freePort, startServerProcess, type ServerProcess } from '@icelane/testing';
import {
  joinTwo,
  openSdkPage,
  waitForEvents,
  waitForReport,
  type RoomPage,
} from '@icelane/testing/browser-suite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const EXAMPLES = [
  {
    name: 'express (TypeScript), at the root',
    main: 'examples/express/dist/server.js',
    prefix: '',
    hello: 'from the express app',
  },
  {
    name: 'fastify, under /rtc',
    main: 'examples/fastify/server.js',
    prefix: '/rtc',
    hello: 'from the fastify app',
  },
];

test.beforeAll(async () => {
  // The test command builds every workspace package first; a run on its own builds the example.
  if (process.env.ICELANE_PACKAGES_BUILT) return;
  await promisify(execFile)('pnpm', ['--filter', '@icelane/example-express', 'run', 'build'], {
    cwd: ROOT,
  });
});

for (const example of EXAMPLES) {
  test(`example app: ${example.name}: its route, /ice and /healthz on one server, and a call`, async ({
    browser,
  }) => {
    const app: ServerProcess = await startServerProcess({
      main: `${ROOT}/${example.main}`,
      env: { PORT: '0', HOST: '127.0.0.1' },
    });
    const pages: RoomPage[] = [];
    try {
      const icelane = `${app.url}${example.prefix}`;
      expect(await (await fetch(`${app.url}/api/hello`)).json()).toEqual({ hello: example.hello });
      expect(await (await fetch(`${icelane}/healthz`)).json()).toEqual({ status: 'ok' });
      // No TURN configured: the example hands out its STUN server alone.
      const ice = await (await fetch(`${icelane}/ice`)).json();
      expect(ice).toMatchObject({ turn: false, iceServers: [{ urls: expect.any(String) }] });

      // The SDK is given the URL where icelane is mounted, prefix and all.
      const [ada, bob] = await joinTwo(browser, icelane, 'example', {}, pages, { servePage: true });
      const adaReport = await waitForReport(ada.page, bob.peerId);
      expect(adaReport.attempt).toBe(1);
      await ada.page.evaluate((to) => window.harness.send('hello through the app', to), bob.peerId);
      const [message] = await waitForEvents<{ peerId: string; data: string }>(bob.page, 'data');
      expect(message).toEqual({ peerId: ada.peerId, data: 'hello through the app' });
    } finally {
      await Promise.all(pages.map((page) => page.close()));
      await app.stop();
    }
  });
}

test('a URL where nothing listens fails the join with signaling-failed in about a second', async ({
  browser,
}) => {
  const app = await startServerProcess({ main: `${ROOT}/${EXAMPLES[0]!.main}` });
  const { context, page } = await openSdkPage(browser, app.url, { servePage: true });
  try {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const result = await page.evaluate((url) => window.harness.join(url, 'nowhere'), nowhere);
    const elapsedMs = Date.now() - started;
    expect(result).toMatchObject({ ok: false, error: { code: 'signaling-failed' } });
    // Three refused requests and socket.io's retries between them (at most 1.05 s); the join's
    // timeout, signalingTimeoutMs, is 10 s.
    expect(elapsedMs).toBeLessThan(3_000);
    console.log(`refused URL: signaling-failed after ${elapsedMs} ms`);
  } finally {
    await context.close();
    await app.stop();
  }
});
