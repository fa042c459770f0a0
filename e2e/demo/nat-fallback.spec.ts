/**
 * The demo where it matters: two browsers behind symmetric NATs (the NAT lab), TURN on demand.
 * Attempt 1 (STUN only) cannot cross the NATs; each panel logs the fallback to relay and shows the
 * call connected on attempt 2 through the relay. (The page is on plain http from another host
 * here, so browsers give it no camera: it joins without media, as it says.)
 */
import { expect, skipUnlessLabCanRun, test } from '@icelane/testing/nat-lab';
import { DEMO_DIST, docsPath, openAndJoin, remotePanel } from './call-page.js';

skipUnlessLabCanRun();

test('behind symmetric NATs with TURN on demand, the panels show the fallback to relay', async ({
  lab,
}) => {
  const network = await lab({
    a: 'symmetric',
    b: 'symmetric',
    server: { env: { ICELANE_STATIC_DIR: DEMO_DIST } },
  });
  const url = `${network.server!.url}/?room=behind-cgnat&ondemand=1`;
  const ada = await openAndJoin(await network.browser('a'), url);
  const grace = await openAndJoin(await network.browser('b'), url);
  try {
    for (const { page } of [ada, grace]) {
      const panel = remotePanel(page);
      await expect(panel).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
      await expect(panel).toHaveAttribute('data-attempt', '2');
      await expect(panel).toHaveAttribute('data-relayed', 'true');
      await expect(panel.locator('.log')).toContainText('falling back to relay: attempt 2');
      await expect(panel.locator('.attempt')).toContainText('policy relay');
      // A page on plain http from another host gets no camera: it says so and joins without.
      await expect(page.locator('#media-message')).toHaveAttribute('data-media', 'error');
      await expect(page.locator('#media-message')).toContainText('needs https or localhost');
    }
    // Behind the NAT, the network check finds the public address (srflx) and the relay.
    await ada.page.getByRole('button', { name: 'Check my network' }).click();
    const result = ada.page.locator('#network-result');
    await expect(result).toHaveAttribute('data-status', 'done');
    await expect(result.locator('[data-types]')).toHaveAttribute('data-types', /srflx.*relay/);
    await expect(result).toContainText(
      "STUN answered: this network's public address is 203.0.113.",
    );
    await expect
      .poll(() => remotePanel(ada.page).locator('svg.sparkline').getAttribute('data-samples'))
      .toMatch(/^([5-9]|\d\d+)$/);
    await ada.page.screenshot({ path: docsPath('demo-fallback.png'), fullPage: true });
  } finally {
    await ada.close();
    await grace.close();
  }
});
