/**
 * The network check, before joining: it fetches the server's ICE configuration, gathers with it in
 * a lone RTCPeerConnection, and says what this network yields — here a relay from the local coturn.
 */
import { expect } from '@playwright/test';
import { startCoturn, startServerProcess } from '@icelane/testing';
import { DEMO_DIST } from './call-page.js';
import { test } from './demo-stack.js';

/** The part of the page's `window.__demo` read here. */
interface DemoWindowState {
  network: { verdict: { turn: string; types: string[] } | null };
}

test('reports a relay candidate and that TURN accepted the credentials', async ({ page, demo }) => {
  await page.goto(demo.url);
  await page.getByRole('button', { name: 'Check my network' }).click();
  const result = page.locator('#network-result');
  await expect(result).toHaveAttribute('data-status', 'done');
  await expect(result.locator('[data-types]')).toHaveAttribute('data-types', /\brelay\b/);
  await expect(result).toContainText('TURN answered and accepted the credentials');
  await expect(result.locator('.verdict')).toHaveText(/can connect anywhere/);
  // The demo's coturn is this machine's STUN server. Chromium lists no srflx then (the reflexive
  // address is a host address it has) and the check says why; Firefox lists one (from another
  // interface's socket). Neither is STUN failing.
  const types = (await result.locator('[data-types]').getAttribute('data-types')) ?? '';
  await expect(result).toContainText(
    /\bsrflx\b/.test(types) ? 'STUN answered' : 'STUN server on this local network (127.0.0.1)',
  );
  await expect(result).not.toContainText('STUN did not answer');
  const verdict = await page.evaluate(
    () => (window as unknown as { __demo: DemoWindowState }).__demo.network.verdict,
  );
  expect(verdict?.turn).toBe('ok');
  expect(verdict?.types).toContain('relay');
});

test('says so when the server cannot be reached', async ({ page, demo }) => {
  await page.goto(`${demo.url}?server=http://127.0.0.1:9`);
  await page.getByRole('button', { name: 'Check my network' }).click();
  const result = page.locator('#network-result');
  await expect(result).toHaveAttribute('data-status', 'error');
  await expect(result).toContainText('Could not reach the icelane server at http://127.0.0.1:9');
});

test('says TURN rejected the credentials when the server mints them with the wrong secret', async ({
  page,
}) => {
  const coturn = await startCoturn({ secret: 'the-secret-coturn-knows' });
  try {
    const server = await startServerProcess({
      env: {
        HOST: '127.0.0.1',
        ICELANE_TURN_PROVIDER: 'coturn',
        ICELANE_COTURN_SECRETS: 'a-secret-coturn-never-heard-of',
        ICELANE_COTURN_URLS: coturn.udpUrl,
        ICELANE_STUN_URLS: coturn.stunUrl,
        ICELANE_STATIC_DIR: DEMO_DIST,
      },
    });
    try {
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Check my network' }).click();
      const result = page.locator('#network-result');
      await expect(result).toHaveAttribute('data-status', 'done');
      await expect(result).toContainText('TURN answered but rejected the credentials (401');
      await expect(result.locator('[data-types]')).not.toHaveAttribute('data-types', /relay/);
      await expect(result.locator('.verdict')).not.toHaveText(/can connect anywhere/);
    } finally {
      await server.stop();
    }
  } finally {
    await coturn.stop();
  }
});
