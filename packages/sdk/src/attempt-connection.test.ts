import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import { AttemptConnection, type AttemptHandlers } from './attempt-connection.js';
import { CONTROL_CHANNEL_ID } from './control-channel.js';
import { resolveJoinOptions, type JoinOptions } from './defaults.js';
import { planAttempt, type AttemptPlan } from './ice-plan.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { fakeSimplePeers } from '../test/fakes/fake-simple-peer.js';
import { iceConfig, STUN_URL, TURN_URL } from '../test/fakes/ice.js';
import { chromeSrflx } from '../test/stats-fixtures.js';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0 offer' };

function start(
  setup: { options?: Partial<JoinOptions>; attempt?: number; initiator?: boolean } = {},
) {
  const options = resolveJoinOptions(setup.options);
  const plan: AttemptPlan = planAttempt(options, iceConfig(1), setup.attempt ?? 1);
  const handlers = {
    signal: vi.fn(),
    connected: vi.fn(),
    failed: vi.fn(),
    remoteClosed: vi.fn(),
    data: vi.fn(),
    stream: vi.fn(),
    track: vi.fn(),
    mediaError: vi.fn(),
    control: vi.fn(),
    report: vi.fn(),
    rtt: vi.fn(),
    suspect: vi.fn(),
    trouble: vi.fn(),
    heardAgain: vi.fn(),
    transportFailed: vi.fn(),
    turnRefused: vi.fn(),
    usage: vi.fn(),
    quality: vi.fn(),
  } satisfies AttemptHandlers;
  const peers = fakeSimplePeers();
  const connection = new AttemptConnection(
    {
      plan,
      initiator: setup.initiator ?? true,
      options,
      SimplePeer: peers.SimplePeer,
      reportContext: () => ({
        peerId: 'p-1',
        attempt: plan.attempt,
        strategy: options.strategy,
        turnOnDemand: options.turnOnDemand,
        timeToConnectMs: 120,
      }),
    },
    handlers,
  );
  return { connection, handlers, plan, peer: peers.last(), peers };
}

describe('one attempt connection', () => {
  useFakeTimersPerTest();

  it('configures simple-peer with the ICE servers and policy inside `config`, never at the top level', () => {
    const { peer, plan } = start({ attempt: 2 });
    expect(plan.policy).toBe('relay');
    expect(peer.options.config).toEqual({
      iceServers: [{ urls: TURN_URL, username: 'u1', credential: 'c1' }],
      iceTransportPolicy: 'relay',
    });
    expect(peer.options).not.toHaveProperty('iceServers');
    expect(peer.options).not.toHaveProperty('iceTransportPolicy');
    expect(peer._pc.getConfiguration().iceTransportPolicy).toBe('relay');
    expect(peer.options).toMatchObject({ initiator: true, trickle: true, objectMode: true });
  });

  it('gives simple-peer every server under policy `all` on a first `auto` attempt', () => {
    const { peer } = start({ initiator: false });
    expect(peer.options.initiator).toBe(false);
    expect(peer.options.config.iceTransportPolicy).toBe('all');
    expect(peer.options.config.iceServers?.map((server) => server.urls)).toEqual([
      STUN_URL,
      TURN_URL,
    ]);
  });

  it('sends the local media only when there is some', () => {
    const media = { getTracks: () => [] } as unknown as MediaStream;
    expect(start({ options: { media } }).peer.options.stream).toBe(media);
    expect(start().peer.options).not.toHaveProperty('stream');
  });

  it("passes simple-peer's signals to the link", () => {
    const { peer, handlers } = start();
    peer.emitSignal(OFFER);
    // Stamped with the ICE generation, so the far side can drop one of a generation it has left.
    expect(handlers.signal).toHaveBeenCalledWith({ ...OFFER, gen: 0 });
  });

  it('hands the far side signals to simple-peer', () => {
    const { peer, connection } = start({ initiator: false });
    connection.signal(OFFER);
    expect(peer.received).toEqual([OFFER]);
  });

  it("says connected, then reports the selected pair with the link's context", async () => {
    const { peer, handlers } = start();
    peer._pc.stats = chromeSrflx;
    peer.connect();
    expect(handlers.connected).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(handlers.report).toHaveBeenCalledTimes(1);
    expect(handlers.report.mock.calls[0]![0]).toMatchObject({
      peerId: 'p-1',
      attempt: 1,
      strategy: 'auto',
      relayed: false,
      local: { type: 'srflx', protocol: 'udp' },
      remote: { type: 'srflx', protocol: 'udp' },
      rttMs: 31,
      timeToConnectMs: 120,
    });
  });

  it('fails the attempt as `ice-failed` when simple-peer errors before connecting', async () => {
    const { peer, handlers } = start();
    peer.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(handlers.failed).toHaveBeenCalledExactlyOnceWith('ice-failed');
    expect(handlers.remoteClosed).not.toHaveBeenCalled();
  });

  it('fails the attempt when the browser says the connection failed', () => {
    const { peer, handlers } = start();
    peer._pc.setState('connectionState', 'failed');
    expect(handlers.failed).toHaveBeenCalledExactlyOnceWith('ice-failed');
  });

  it('fails the attempt with `timeout` at the connect deadline', async () => {
    const { handlers } = start({ options: { connectTimeoutMs: 3_000 } });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(handlers.failed).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(handlers.failed).toHaveBeenCalledExactlyOnceWith('timeout');
  });

  it('stops watching for failure once connected', async () => {
    const { peer, handlers } = start({ options: { connectTimeoutMs: 3_000 } });
    peer.connect();
    peer._pc.setState('connectionState', 'failed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(handlers.failed).not.toHaveBeenCalled();
  });

  it('reports a track it could not add as a media error, without failing the attempt', () => {
    const { peer, handlers } = start();
    peer.error('ERR_ADD_TRACK');
    expect(handlers.mediaError).toHaveBeenCalledTimes(1);
    expect(handlers.failed).not.toHaveBeenCalled();
  });

  it.each([
    ['closes', 'remoteClose'],
    ['errors', 'fail'],
  ] as const)(
    'takes a live connection that %s for the far side closing, not for a failure',
    async (_, how) => {
      const { peer, handlers } = start();
      peer.connect();
      peer[how]();
      await vi.advanceTimersByTimeAsync(0);
      expect(handlers.remoteClosed).toHaveBeenCalled();
      expect(handlers.failed).not.toHaveBeenCalled();
    },
  );

  it('says nothing of a close before it connected', async () => {
    const { peer, handlers } = start();
    peer.remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    expect(handlers.remoteClosed).not.toHaveBeenCalled();
  });

  it('passes data on only when the app asked for a data channel', () => {
    const on = start();
    on.peer.connect();
    on.peer.deliver('hello');
    expect(on.handlers.data).toHaveBeenCalledWith('hello');

    const off = start({ options: { dataChannel: false } });
    off.peer.connect();
    off.peer.deliver('hello');
    expect(off.handlers.data).not.toHaveBeenCalled();
  });

  it('passes on remote streams and tracks', () => {
    const { peer, handlers } = start();
    const stream = {} as MediaStream;
    const track = {} as MediaStreamTrack;
    peer.emit('stream', stream);
    peer.emit('track', track, stream);
    expect(handlers.stream).toHaveBeenCalledWith(stream);
    expect(handlers.track).toHaveBeenCalledWith(track, stream);
  });

  it("hears the far side's SDK on the negotiated control channel, and talks back once it is open", () => {
    const { peer, connection, handlers } = start();
    const channel = peer._pc.channel(CONTROL_CHANNEL_ID)!;
    expect(channel).toBeDefined();
    channel.deliver('not json');
    channel.deliver('{"type":"signaling-id","peerId":"p-9"}');
    expect(handlers.control).toHaveBeenCalledExactlyOnceWith({
      type: 'signaling-id',
      peerId: 'p-9',
    });

    const message = { type: 'signaling-id', peerId: 'me-2' } as const;
    expect(connection.sendControl(message)).toBe(false);
    channel.open();
    expect(connection.sendControl(message)).toBe(true);
    expect(channel.sent).toEqual([JSON.stringify(message)]);
  });

  it('gives the live connection fresh ICE servers and keeps its policy', () => {
    const { peer, connection } = start({ attempt: 2 });
    const fresh = [{ urls: TURN_URL, username: 'u2', credential: 'c2' }];
    connection.applyIceServers(fresh);
    expect(peer._pc.configurations).toEqual([{ iceServers: fresh, iceTransportPolicy: 'relay' }]);
  });

  it('carries on when the browser refuses new ICE servers on a live connection', () => {
    const { peer, connection } = start();
    peer._pc.refuseConfiguration = true;
    expect(() => connection.applyIceServers([])).not.toThrow();
  });

  it('says nothing more once destroyed, whatever simple-peer does late', async () => {
    const { peer, connection, handlers } = start();
    connection.destroy();
    expect(peer.destroyedBySdk).toBe(true);
    peer.emitSignal(OFFER);
    peer.connect();
    peer.deliver('late');
    peer._pc.channel(CONTROL_CHANNEL_ID)!.deliver('{"type":"signaling-id","peerId":"p-9"}');
    connection.signal(OFFER);
    connection.applyIceServers([]);
    await vi.advanceTimersByTimeAsync(10_000);
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
    expect(peer.received).toEqual([]);
    expect(peer._pc.configurations).toEqual([]);
  });
});
