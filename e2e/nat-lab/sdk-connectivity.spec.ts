/**
 * The SDK through real NATs: what a user of icelane relies on, read from the SDK's own connection
 * reports and errors in real Chromium, and from the server's /metrics on the public segment. Every
 * scenario runs twice: with host addresses hidden behind mDNS names (a page without media
 * permission) and as a real video call runs (camera granted on a secure origin: host addresses
 * shown, which changes the candidate pairs ICE tries). The scenarios are in
 * connectivity-scenarios.ts; firefox.spec.ts runs them with Firefox.
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import { CONNECTIVITY, serverMetrics } from './connectivity-scenarios.js';
import { skipUnlessLabCanRun, test, sdkCall } from '@icelane/testing/nat-lab';

skipUnlessLabCanRun();

for (const videoCall of [false, true]) {
  test.describe(videoCall ? 'as a video call' : 'addresses hidden', () => {
    for (const scenario of Object.values(CONNECTIVITY)) {
      test(scenario.title, async ({ lab }) => {
        const network = await lab({
          ...scenario.lab,
          videoCall,
          server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
        });
        const call = await sdkCall(network, scenario.join);
        console.log(scenario.describe(call));
        scenario.check(call, await serverMetrics(network), scenario.title);
      });
    }
  });
}
