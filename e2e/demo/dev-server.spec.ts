/**
 * The development loop: `vite` serves the page from its sources and proxies every server route
 * (socket.io included) to a running server, so a call works from the dev origin unchanged.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { freePort } from '@icelane/testing';
import { openAndJoin, remotePanel } from './call-page.js';
import { stopScript, test } from './demo-stack.js';

const DEMO_DIR = fileURLToPath(new URL('../../packages/demo', import.meta.url));

test('two pages served by the Vite dev server connect through its proxy', async ({
  browser,
  demo,
}) => {
  const port = await freePort();
  const vite = spawn(
    'node_modules/.bin/vite',
    ['--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    {
      cwd: DEMO_DIR,
      env: { ...process.env, ICELANE_DEMO_SERVER: demo.url.replace(/\/$/, '') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  vite.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  vite.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  try {
    const devUrl = `http://127.0.0.1:${port}/`;
    await expect
      .poll(
        () =>
          fetch(devUrl).then(
            (r) => r.status,
            () => 0,
          ),
        { message: output.join('') },
      )
      .toBe(200);
    // The operator view's figures come through the proxy too (Vite would answer its page).
    for (const [route, type] of [
      ['metrics', /^text\/plain/],
      ['history', /^application\/json/],
    ] as const) {
      const res = await fetch(new URL(route, devUrl));
      expect(res.headers.get('content-type'), route).toMatch(type);
    }
    const room = `dev-${Date.now()}`;
    const ada = await openAndJoin(browser, `${devUrl}?room=${room}`);
    const grace = await openAndJoin(browser, `${devUrl}?room=${room}`);
    try {
      for (const { page } of [ada, grace]) {
        // Same origin as the page: nothing in the URL points at the server.
        expect(new URL(page.url()).searchParams.has('server')).toBe(false);
        await expect(remotePanel(page)).toHaveAttribute('data-state', 'connected');
      }
      await expect(ada.page.locator('#ice-panel')).toHaveAttribute('data-turn', 'true');
    } finally {
      await ada.close();
      await grace.close();
    }
  } finally {
    await stopScript(vite);
  }
});
