/**
 * The lab proves itself with plain RTCPeerConnection pages, independently of the SDK: STUN alone
 * crosses port-restricted NATs but not symmetric ones, and a TURN relay crosses symmetric ones.
 */
import { SDK_PAGE_DIR } from '@icelane/testing/browser-suite';
import {
  expect,
  skipUnlessLabCanRun,
  test,
  TURN_SECRET,
  observeMapping,
  runIn,
} from '@icelane/testing/nat-lab';
import { rawCall } from './raw-peer.js';
import { turnRestCredential } from '@icelane/testing';

skipUnlessLabCanRun();

test('port-restricted NATs connect with STUN alone, srflx to srflx (positive control)', async ({
  lab,
}) => {
  const network = await lab({ a: 'port-restricted', b: 'port-restricted' });
  const result = await rawCall(
    network,
    { iceServers: [{ urls: network.stunUrl }], iceTransportPolicy: 'all' },
    10_000,
  );
  console.log(`port-restricted STUN-only: connected in ${result.a.elapsedMs} ms`);
  expect(result.a).toMatchObject({ state: 'connected', local: { type: 'srflx' } });
  expect(result.b).toMatchObject({ state: 'connected', local: { type: 'srflx' } });
});

test('symmetric NATs do not connect with STUN alone', async ({ lab }) => {
  const network = await lab({ a: 'symmetric', b: 'symmetric' });
  const result = await rawCall(
    network,
    { iceServers: [{ urls: network.stunUrl }], iceTransportPolicy: 'all' },
    25_000,
  );
  console.log(`symmetric STUN-only: failed after ${result.a.elapsedMs} ms`);
  // The sides did get a server-reflexive address: what fails is reaching each other with it.
  expect(result.a.gathered).toContain('srflx');
  expect(result.a.state).toBe('failed');
  expect(result.b.state).not.toBe('connected');
});

test('symmetric NATs connect through the TURN relay, relay to relay', async ({ lab }) => {
  const network = await lab({ a: 'symmetric', b: 'symmetric' });
  const iceServers = [
    { urls: network.turnUrls.udp, ...turnRestCredential(TURN_SECRET, 'lab', 600) },
  ];
  const result = await rawCall(network, { iceServers, iceTransportPolicy: 'relay' }, 10_000);
  console.log(`symmetric relay-only: connected in ${result.a.elapsedMs} ms`);
  expect(result.a).toMatchObject({
    state: 'connected',
    local: { type: 'relay', relayProtocol: 'udp' },
    remote: { type: 'relay' },
  });
  expect(result.b).toMatchObject({ state: 'connected', local: { type: 'relay' } });
});

test('behind a UDP-blocking NAT, only TURN over TCP gives a relay, and it connects', async ({
  lab,
}) => {
  const network = await lab({ a: 'udp-blocked', b: 'symmetric' });
  const credential = turnRestCredential(TURN_SECRET, 'lab', 600);
  const iceServers = [{ urls: [network.turnUrls.udp, network.turnUrls.tcp], ...credential }];
  const result = await rawCall(network, { iceServers, iceTransportPolicy: 'relay' }, 10_000);
  console.log(`UDP-blocked relay-only: connected in ${result.a.elapsedMs} ms`);
  expect(result.a).toMatchObject({
    state: 'connected',
    local: { type: 'relay', relayProtocol: 'tcp' },
  });
  // The other side has UDP, but may still settle on its TCP allocation: both work for it.
  expect(result.b).toMatchObject({ state: 'connected', local: { type: 'relay' } });
});

test('routers map as their kind says: one port per socket, or one per destination', async ({
  lab,
}) => {
  const restricted = await lab({ a: 'port-restricted', b: 'symmetric', turn: false });
  const [toFirst, toSecond] = await observeMapping(restricted.network, 'a');
  expect(toFirst).toBe(toSecond);
  expect(toFirst.split(':')[0]).toBe(restricted.network.sides.a.publicAddress);

  const symmetric = await observeMapping(restricted.network, 'b');
  expect(symmetric[0].split(':')[0]).toBe(restricted.network.sides.b.publicAddress);
  expect(symmetric[0]).not.toBe(symmetric[1]);
});

test('a video-call lab shows host addresses, a lab without media permission mDNS names', async ({
  lab,
}) => {
  const hostAddressSeen = async (videoCall: boolean) => {
    const network = await lab({
      a: 'port-restricted',
      b: 'none',
      videoCall,
      server: { env: { ICELANE_STATIC_DIR: SDK_PAGE_DIR } },
    });
    const page = await network.page('a');
    await page.goto(network.server!.url);
    const address = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const pc = new RTCPeerConnection();
          pc.createDataChannel('probe');
          pc.onicecandidate = ({ candidate }) => {
            if (candidate?.type !== 'host' || candidate.protocol !== 'udp') return;
            pc.close();
            resolve(candidate.address ?? '');
          };
          setTimeout(() => reject(new Error('no host candidate')), 5_000);
          void pc.createOffer().then((offer) => pc.setLocalDescription(offer));
        }),
    );
    return { address, own: network.network.sides.a.address };
  };
  const hidden = await hostAddressSeen(false);
  const shown = await hostAddressSeen(true);
  expect(hidden.address).toMatch(/\.local$/);
  expect(shown.address).toBe(shown.own);
});

test('incidents do what they say: a handover changes both addresses, a blackout cuts the path, rebinding forgets the mappings', async ({
  lab,
}) => {
  const network = await lab({ a: 'symmetric', b: 'port-restricted', spareRouter: true });
  const sideA = network.network.sides.a;
  const [before] = await observeMapping(network.network, 'a');
  expect(before).toMatch(/^203\.0\.113\.11:/);

  await network.handover('a');
  expect(sideA).toMatchObject({ address: '100.64.11.2', publicAddress: '203.0.113.31' });
  const [after] = await observeMapping(network.network, 'a');
  expect(after).toMatch(/^203\.0\.113\.31:/);
  // The old interface and its address are gone from the client.
  const addresses = await runIn(sideA.ns, 'ip', ['-o', '-4', 'addr', 'show']);
  expect(addresses).not.toContain('100.64.1.2');
  expect(addresses).toContain('100.64.11.2');

  const blackout = network.blackout('b', 6_000);
  await expect(observeMapping(network.network, 'b')).rejects.toThrow(/no probe arrived/);
  const { startedAt, endedAt } = await blackout;
  expect(endedAt - startedAt).toBeGreaterThanOrEqual(6_000);
  expect((await observeMapping(network.network, 'b'))[0]).toMatch(/^203\.0\.113\.12:/);

  const routerB = network.network.sides.b.routerNs!;
  expect(await conntrackEntries(routerB)).toBeGreaterThan(0);
  await network.rebind('b');
  expect(await conntrackEntries(routerB)).toBe(0);
});

/** How many flows a router's conntrack table holds. */
async function conntrackEntries(routerNs: string): Promise<number> {
  return (await runIn(routerNs, 'conntrack', ['-L'])).split('\n').filter(Boolean).length;
}
