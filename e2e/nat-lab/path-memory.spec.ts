/**
 * Issue 13, part 3: the SDK remembers per network which path worked. Behind symmetric NATs and
 * with no probe endpoint for the network check, TURN on demand's attempt 1 (STUN only) fails; the
 * next call from the same browsers on the same networks takes TURN into attempt 1 and connects
 * there, without the dead wait.
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import {
  expect,
  skipUnlessLabCanRun,
  test,
  sdkCall,
  type BrowserProfile,
} from '@icelane/testing/nat-lab';

skipUnlessLabCanRun();

test('a second call from the same network skips the first attempt that failed there', async ({
  lab,
}) => {
  test.setTimeout(120_000);
  const network = await lab({
    a: 'symmetric',
    b: 'symmetric',
    server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
  });
  const options = { turnOnDemand: true };
  const profiles: Record<'a' | 'b', BrowserProfile> = { a: {}, b: {} };

  const first = await sdkCall(network, { a: options, b: options }, 40_000, profiles);
  for (const side of [first.a, first.b]) {
    expect(side.error).toBeUndefined();
    expect(side.report).toMatchObject({ attempt: 2, relayed: true });
  }
  // Stored under a hash of the network's public address, never the address itself.
  for (const profile of [profiles.a, profiles.b]) {
    const stored = profile.storageState?.origins
      .flatMap((origin) => origin.localStorage)
      .find((item) => item.name === 'icelane:paths');
    expect(Object.values(JSON.parse(stored!.value) as object)).toMatchObject([{ path: 'turn' }]);
    expect(stored!.value).not.toContain('203.0.113');
  }

  const second = await sdkCall(network, { a: options, b: options }, 40_000, profiles);
  console.log(
    `symmetric / symmetric, turnOnDemand, no probe endpoint: first call attempt ` +
      `${first.a.report?.attempt} in ${first.a.report?.timeToConnectMs} ms, second call attempt ` +
      `${second.a.report?.attempt} in ${second.a.report?.timeToConnectMs} ms`,
  );
  for (const side of [second.a, second.b]) {
    expect(side.error).toBeUndefined();
    expect(side.fallbacks).toEqual([]);
    expect(side.report).toMatchObject({ attempt: 1, relayed: true });
    // The first call paid 1.5 s of silent checks before its attempt 2.
    expect(side.report!.timeToConnectMs).toBeLessThan(first.a.report!.timeToConnectMs);
  }
});
