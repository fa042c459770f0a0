/**
 * Issue 13, part 4: the office firewall that lets only TCP to port 443 out. coturn serves
 * `turns:` on 443 with a certificate from the lab's own CA, which the lab's Chromium trusts
 * through its NSS database and Firefox through its profile's; `auto` connects through TURN over
 * TLS.
 */
import { SDK_PAGE_DIR, type BrowserName } from '@icelane/testing/browser-suite';
import { expect, skipUnlessLabCanRun, test, sdkCall } from '@icelane/testing/nat-lab';

skipUnlessLabCanRun();

for (const browser of ['chromium', 'firefox'] as const satisfies readonly BrowserName[]) {
  test(`behind a firewall that lets only TCP 443 out, auto connects through TURN over TLS (${browser} there)`, async ({
    lab,
  }) => {
    const network = await lab({
      a: 'tcp-443-only',
      b: 'symmetric',
      turnTls: true,
      browsers: { a: browser, b: 'chromium' },
      server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
    });
    const call = await sdkCall(network, { a: {}, b: {} });
    console.log(
      `tcp-443-only (${browser}) / symmetric, auto: attempt ${call.a.report?.attempt}, ` +
        `time to connect ${call.a.report?.timeToConnectMs} / ${call.b.report?.timeToConnectMs} ms, ` +
        `a: ${JSON.stringify(call.a.report?.local)}`,
    );
    expect(call.a.error).toBeUndefined();
    expect(call.b.error).toBeUndefined();
    expect(call.a.report).toMatchObject({
      relayed: true,
      local: { type: 'relay', relayProtocol: 'tls' },
    });
  });
}
