/**
 * Issue 13, part 4: the office firewall that lets only TCP to port 443 out. coturn serves
 * `turns:` on 443 with a certificate from the lab's own CA, which the lab's Chromium trusts
 * through its NSS database and Firefox through its profile's; `auto` connects through TURN over
 * TLS. The control: a Firefox that does not trust the CA gets no relay there at all.
 */
import { SDK_PAGE_DIR, type BrowserName } from '@icelane/testing/browser-suite';
import {
  expect,
  skipUnlessLabCanRun,
  test,
  sdkCall,
  type LabOptions,
} from '@icelane/testing/nat-lab';

skipUnlessLabCanRun();

/** Side a behind the firewall in `browser`, side b behind a symmetric NAT in Chromium. */
const firewalled = (browser: BrowserName): Partial<LabOptions> => ({
  a: 'tcp-443-only',
  b: 'symmetric',
  turnTls: true,
  browsers: { a: browser, b: 'chromium' },
  server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
});

for (const browser of ['chromium', 'firefox'] as const) {
  test(`behind a firewall that lets only TCP 443 out, auto connects through TURN over TLS (${browser} there)`, async ({
    lab,
  }) => {
    const call = await sdkCall(await lab(firewalled(browser)), { a: {}, b: {} });
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

test('a Firefox that does not trust the TURN server certificate gets no relay behind that firewall', async ({
  lab,
}) => {
  const call = await sdkCall(await lab({ ...firewalled('firefox'), trustLabCa: false }), {
    a: {},
    b: {},
  });
  expect(call.a.report).toBeUndefined();
  expect(call.a.error?.code).toBe('connect-failed');
  // The relay-only attempt is where TURN over TLS alone could have worked.
  const attempts = call.a.error?.details?.attempts ?? [];
  expect(attempts.at(-1)).toMatchObject({ policy: 'relay', reason: 'no-relay-candidate' });
});
