import { expect, test } from '@playwright/test';
import { startIcelaneStack } from '../support/icelane-stack.js';
import {
  joinTwo,
  waitForEvents,
  waitForReport,
  type RoomPage,
} from '@icelane/testing/browser-suite';

// One TURN URL per run: with both offered, Chrome selects whichever relay pair answers first, so
// the relay protocol a report must show is only known when one transport is configured.
for (const transport of ['udp', 'tcp'] as const) {
  test(`relay strategy connects through coturn over ${transport} and the report says so`, async ({
    browser,
  }) => {
    const pages: RoomPage[] = [];
    const stack = await startIcelaneStack({
      env: (coturn) => ({
        ICELANE_COTURN_URLS: transport === 'udp' ? coturn.udpUrl : coturn.tcpUrl,
      }),
    });
    try {
      const [ada, bob] = await joinTwo(
        browser,
        stack.url,
        'forced-relay',
        { strategy: 'relay' },
        pages,
      );

      const report = await waitForReport(ada.page, bob.peerId);
      expect(report).toMatchObject({
        attempt: 1,
        strategy: 'relay',
        relayed: true,
        local: { type: 'relay', protocol: 'udp', relayProtocol: transport },
      });
      expect(report.local.url).toMatch(
        new RegExp(`^turn:127\\.0\\.0\\.1:\\d+\\?transport=${transport}$`),
      );
      const states = await waitForEvents<{ state: string; policy: string }>(
        ada.page,
        'peer:state',
        2,
      );
      expect(states.map((s) => [s.state, s.policy])).toEqual([
        ['connecting', 'relay'],
        ['connected', 'relay'],
      ]);
      console.log(
        `relay/${transport}: connected in ${report.timeToConnectMs} ms, rtt ${report.rttMs} ms`,
      );

      // Both sides told the server how they connected.
      const relayedReports = new RegExp(
        `icelane_connections_total\\{[^}]*local_type="relay"[^}]*relay_protocol="${transport}"[^}]*\\} 2\\b`,
      );
      await expect
        .poll(async () => (await fetch(`${stack.url}/metrics`)).text())
        .toMatch(relayedReports);

      await bob.page.evaluate(() => window.harness.send('through the relay'));
      const [message] = await waitForEvents<{ data: string }>(ada.page, 'data');
      expect(message!.data).toBe('through the relay');
    } finally {
      await Promise.all(pages.map((p) => p.close()));
      await stack.stop();
    }
  });
}
