/**
 * The SDK through real NATs: what a user of icelane relies on, read from the SDK's own connection
 * reports and errors in real Chromium, and from the server's /metrics on the public segment. Every
 * scenario runs twice, at once, each in its own lab: with host addresses hidden behind mDNS names
 * (a page without media permission) and as a real video call runs (camera granted on a secure
 * origin: host addresses shown, which changes the candidate pairs ICE tries). The scenarios are in
 * connectivity-scenarios.ts; firefox.spec.ts runs them with Firefox.
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import { CONNECTIVITY, serverMetrics } from './connectivity-scenarios.js';
import { skipUnlessLabCanRun, test, sdkCall } from '@icelane/testing/nat-lab';

skipUnlessLabCanRun();

const KINDS = [
  { name: 'addresses hidden', videoCall: false },
  { name: 'as a video call', videoCall: true },
] as const;

for (const scenario of Object.values(CONNECTIVITY)) {
  // Both kinds of call at once (two labs, four browsers; firefox.spec.ts runs four such labs at
  // once): each has its own server, so its /metrics count its own call alone, and what the checks
  // read (attempts, candidate types, errors) does not depend on the machine's load; the one time
  // bound, a failed call's liveness, allows for two browsers on two busy cores twice over.
  test(`${scenario.title} (addresses hidden, and as a video call)`, async ({ lab }) => {
    const runs = await Promise.allSettled(
      KINDS.map(async ({ name, videoCall }) => {
        const network = await lab({
          ...scenario.lab,
          videoCall,
          server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
        });
        const call = await sdkCall(network, scenario.join);
        console.log(`${name}: ${scenario.describe(call)}`);
        return { name, call, metrics: await serverMetrics(network) };
      }),
    );
    for (const run of runs) if (run.status === 'rejected') throw run.reason;
    for (const run of runs) {
      if (run.status !== 'fulfilled') continue;
      const { name, call, metrics } = run.value;
      scenario.check(call, metrics, `${scenario.title}, ${name}`);
    }
  });
}
