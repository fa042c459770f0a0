import {
  BROWSER_NAMES,
  expect,
  test,
  SDK_PAGE_DIR,
  joinInPage,
  waitForEvents,
  waitForReport,
  type RoomPage,
} from '@icelane/testing/browser-suite';
import {
  startCloudflareFake,
  startCoturn,
  startServerProcess,
  turnRestCredential,
} from '@icelane/testing';

for (const browserName of BROWSER_NAMES) {
  test(`refused TURN credentials are refreshed and the relay-only retry connects as attempt 2, in ${browserName}`, async ({
    browsers,
  }) => {
    const browser = await browsers(browserName);
    const coturn = await startCoturn();
    // The provider's first two mints (one per join) are signed with a wrong secret: coturn says 401.
    const api = await startCloudflareFake({
      iceServers: ({ ttl, count }) => {
        const secret = count <= 2 ? `not-${coturn.secret}` : coturn.secret;
        const login = turnRestCredential(secret, `key-api-${count}`, ttl);
        return [{ urls: [coturn.udpUrl, coturn.tcpUrl], ...login }];
      },
    });
    const server = await startServerProcess({
      env: {
        ICELANE_TURN_PROVIDER: 'cloudflare',
        CLOUDFLARE_TURN_API_URL: api.url,
        CLOUDFLARE_TURN_KEY_ID: api.keyId,
        CLOUDFLARE_TURN_API_TOKEN: api.token,
        // Minted per join and per refresh, so a refresh brings new credentials.
        ICELANE_CREDENTIAL_SCOPE: 'per-session',
        ICELANE_STUN_URLS: coturn.stunUrl,
        ICELANE_STATIC_DIR: SDK_PAGE_DIR,
        // The server recommends relay first: with host candidates on this machine a policy-all
        // attempt could connect directly before the 401 arrives.
        ICELANE_RELAY_POLICY: 'relay',
      },
    });
    const pages: RoomPage[] = [];
    try {
      const ada = await joinInPage(browser, server.url, 'refused', { name: 'Ada' });
      pages.push(ada);
      // Read before Bob joins: from then on Ada may meet the 401 and refresh at any moment (Firefox
      // did so before a read after Bob's join, which then saw the fresh credentials as the first).
      const firstUsername = await ada.page.evaluate(
        () => window.harness.room!.ice.iceServers.find((s) => s.username)?.username,
      );
      const bob = await joinInPage(browser, server.url, 'refused', { name: 'Bob' });
      pages.push(bob);

      for (const [self, other] of [
        [ada, bob],
        [bob, ada],
      ] as const) {
        const report = await waitForReport(self.page, other.peerId);
        const [firstState] = await waitForEvents(self.page, 'peer:state');
        expect(firstState).toMatchObject({ state: 'connecting', attempt: 1, policy: 'relay' });
        expect(report).toMatchObject({
          attempt: 2,
          strategy: 'auto',
          relayed: true,
          local: { type: 'relay' },
        });
        const [fallback] = await waitForEvents<{ attempt: number; reason: string; policy: string }>(
          self.page,
          'fallback',
        );
        expect(fallback).toMatchObject({ peerId: other.peerId, attempt: 2, policy: 'relay' });
        console.log(
          `turn-auth: fallback reason ${fallback!.reason}, connected on attempt 2 in ${report.timeToConnectMs} ms`,
        );
      }
      // Ada's side saw its own credentials refused; it fetched fresh ones before retrying.
      const [adaFallback] = await waitForEvents<{ reason: string }>(ada.page, 'fallback');
      const bobFallbacks = await waitForEvents<{ reason: string }>(bob.page, 'fallback');
      expect([adaFallback!.reason, bobFallbacks[0]!.reason]).toContain('turn-auth');
      const [freshIce] = await waitForEvents<{ iceServers: Array<{ username?: string }> }>(
        ada.page,
        'ice',
      );
      expect(freshIce!.iceServers.find((s) => s.username)?.username).not.toBe(firstUsername);
      expect(api.issued.length).toBeGreaterThanOrEqual(3);
      await expect
        .poll(async () => (await fetch(`${server.url}/metrics`)).text())
        .toMatch(/^icelane_relay_fallbacks_total 2$/m);
      // No error event: the retry succeeded.
      expect(await ada.page.evaluate(() => window.harness.of('error'))).toEqual([]);
    } finally {
      await Promise.all(pages.map((p) => p.close()));
      await server.stop();
      await api.close();
      await coturn.stop();
    }
  });
}
