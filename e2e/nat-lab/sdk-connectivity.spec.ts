/**
 * The SDK through real NATs: what a user of icelane relies on, read from the SDK's own connection
 * reports and errors in real Chromium, and from the server's /metrics on the public segment. Every
 * scenario runs twice: with host addresses hidden behind mDNS names (a page without media
 * permission) and as a real video call runs (camera granted on a secure origin: host addresses
 * shown, which changes the candidate pairs ICE tries).
 */
import { counterSum } from '../demo/demo-stack.js';
import { SDK_PAGE_DIR } from '../support/build-sdk-page.js';
import { expect, skipUnlessLabCanRun, test } from './fixtures.js';
import type { Lab, LabOptions } from './lab/lab.js';
import { sdkCall } from './sdk-call.js';

skipUnlessLabCanRun();

type MakeLab = (options: Partial<LabOptions>) => Promise<Lab>;

async function metrics(lab: Lab) {
  const text = await lab.fetchFromPublic(`${lab.server!.url}/metrics`);
  return {
    relayed: counterSum(text, 'icelane_connections_total', { relayed: 'true' }),
    direct: counterSum(text, 'icelane_connections_total', { relayed: 'false' }),
    fallbacks: counterSum(text, 'icelane_relay_fallbacks_total', {}),
    text,
  };
}

for (const videoCall of [false, true]) {
  test.describe(videoCall ? 'as a video call' : 'addresses hidden', () => {
    test('port-restricted NATs connect direct, srflx on both ends (positive control)', async ({
      lab,
    }) => {
      const network = await sdkLab(lab, videoCall, { a: 'port-restricted', b: 'port-restricted' });
      const call = await sdkCall(network, { a: { strategy: 'direct' }, b: { strategy: 'direct' } });
      console.log(`port-restricted, direct: connected in ${call.a.elapsedMs} ms`);

      for (const side of [call.a, call.b]) {
        expect(side.error).toBeUndefined();
        expect(side.report).toMatchObject({ attempt: 1, relayed: false, local: { type: 'srflx' } });
        expect(['srflx', 'prflx']).toContain(side.report!.remote.type);
      }
      expect(await metrics(network)).toMatchObject({ direct: 2, relayed: 0, fallbacks: 0 });
    });

    test('symmetric NATs with direct fail with one clear error, well before 15 s', async ({
      lab,
    }) => {
      const network = await sdkLab(lab, videoCall, { a: 'symmetric', b: 'symmetric' });
      const call = await sdkCall(network, { a: { strategy: 'direct' }, b: { strategy: 'direct' } });
      console.log(
        `symmetric, direct: failed after ${call.a.elapsedMs} ms: ${call.a.error?.message}`,
      );

      for (const side of [call.a, call.b]) {
        expect(side.report).toBeUndefined();
        expect(side.errors).toHaveLength(1);
        expect(side.error!.code).toBe('connect-failed');
        expect(side.error!.details!.attempts).toEqual([
          expect.objectContaining({ attempt: 1, turn: false }),
        ]);
        // STUN worked (srflx gathered): the symmetric NAT is what stopped it, and the error says so.
        expect(side.error!.details!.attempts![0]!.localCandidateTypes).toContain('srflx');
        expect(side.elapsedMs).toBeLessThan(12_000);
      }
      expect(await metrics(network)).toMatchObject({ direct: 0, relayed: 0 });
    });

    test('symmetric NATs with auto connect through the relay on attempt 1', async ({ lab }) => {
      const network = await sdkLab(lab, videoCall, { a: 'symmetric', b: 'symmetric' });
      const call = await sdkCall(network, { a: {}, b: {} });
      console.log(`symmetric, auto: connected in ${call.a.elapsedMs} ms`);

      for (const side of [call.a, call.b]) {
        expect(side.error).toBeUndefined();
        expect(side.fallbacks).toEqual([]);
        expect(side.report).toMatchObject({ attempt: 1, strategy: 'auto', relayed: true });
        // Under policy `all` one end of the pair is the relay (the other often shows as prflx).
        expect([side.report!.local.type, side.report!.remote.type]).toContain('relay');
      }
      expect(await metrics(network)).toMatchObject({ relayed: 2, direct: 0, fallbacks: 0 });
    });

    test('symmetric NATs with auto and TURN on demand fail attempt 1, then connect relay-only', async ({
      lab,
    }) => {
      const network = await sdkLab(lab, videoCall, { a: 'symmetric', b: 'symmetric' });
      const options = { turnOnDemand: true };
      const call = await sdkCall(network, { a: options, b: options });
      console.log(
        `symmetric, auto + turnOnDemand: connected on attempt ${call.a.report?.attempt} ` +
          `${call.a.elapsedMs} ms after the second join (report: ${call.a.report?.timeToConnectMs} ms)`,
      );

      for (const side of [call.a, call.b]) {
        expect(side.error).toBeUndefined();
        expect(side.fallbacks).toEqual([expect.objectContaining({ attempt: 2, policy: 'relay' })]);
        expect(side.report).toMatchObject({
          attempt: 2,
          turnOnDemand: true,
          relayed: true,
          local: { type: 'relay' },
          remote: { type: 'relay' },
        });
      }
      expect(await metrics(network)).toMatchObject({ relayed: 2, fallbacks: 2 });
    });

    test('symmetric NATs with relay connect relay to relay', async ({ lab }) => {
      const network = await sdkLab(lab, videoCall, { a: 'symmetric', b: 'symmetric' });
      const call = await sdkCall(network, { a: { strategy: 'relay' }, b: { strategy: 'relay' } });
      console.log(`symmetric, relay: connected in ${call.a.elapsedMs} ms`);

      for (const side of [call.a, call.b]) {
        expect(side.report).toMatchObject({
          attempt: 1,
          strategy: 'relay',
          relayed: true,
          local: { type: 'relay' },
          remote: { type: 'relay' },
        });
        // Both TURN transports are offered and open here; Chromium sometimes settles on the TCP one.
        expect(['udp', 'tcp']).toContain(side.report!.local.relayProtocol);
      }
      expect(await metrics(network)).toMatchObject({ relayed: 2, fallbacks: 0 });
    });

    test('behind a UDP-blocking NAT, auto connects through TURN over TCP', async ({ lab }) => {
      const network = await sdkLab(lab, videoCall, { a: 'udp-blocked', b: 'symmetric' });
      const call = await sdkCall(network, { a: {}, b: {} });
      console.log(`UDP blocked / symmetric, auto: connected in ${call.a.elapsedMs} ms`);

      expect(call.a.report).toMatchObject({
        relayed: true,
        local: { type: 'relay', relayProtocol: 'tcp' },
      });
      expect(call.b.report).toMatchObject({ relayed: true });
      const text = (await metrics(network)).text;
      expect(counterSum(text, 'icelane_connections_total', { relay_protocol: 'tcp' })).toBe(1);
    });

    test('with TURN down, auto fails with one error saying no relay candidate was gathered', async ({
      lab,
    }) => {
      const network = await sdkLab(lab, videoCall, { a: 'symmetric', b: 'symmetric', turn: false });
      const call = await sdkCall(network, { a: {}, b: {} });
      console.log(
        `symmetric, TURN down, auto: failed after ${call.a.elapsedMs} ms: ${call.a.error?.message}`,
      );

      for (const side of [call.a, call.b]) {
        expect(side.report).toBeUndefined();
        expect(side.errors).toHaveLength(1);
        expect(side.error!.code).toBe('connect-failed');
        expect(side.error!.message).toMatch(/no relay candidate was gathered/);
        const attempts = side.error!.details!.attempts!;
        expect(attempts.at(-1)).toMatchObject({ policy: 'relay', reason: 'no-relay-candidate' });
        expect(attempts.at(-1)!.localCandidateTypes).not.toContain('relay');
      }
      expect(await metrics(network)).toMatchObject({ relayed: 0, direct: 0 });
    });
  });
}

/** A lab whose server serves the SDK test page; calls run as video calls when `videoCall`. */
function sdkLab(lab: MakeLab, videoCall: boolean, options: Partial<LabOptions>) {
  return lab({ ...options, videoCall, server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } } });
}
