import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { openLink, type LinkSetup } from '../test/fakes/link-harness.js';
import { connectWithHeartbeat } from '../test/live-call-fixtures.js';
import { chromeSrflx } from '../test/stats-fixtures.js';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0 offer' };

describe('the link healing a live call in place', () => {
  useFakeTimersPerTest(1_000_000);

  /** A connected link whose far side has sent one heartbeat, so its silence counts. */
  function connected(setup: LinkSetup) {
    const opened = openLink(setup);
    const peer = opened.peers.last();
    const heartbeat = connectWithHeartbeat(peer);
    return { ...opened, peer, heartbeat };
  }

  it('the answerer asks the offerer for an ICE restart after 1 s of silence, and says when the call is back', async () => {
    const { peer, sent, heartbeat, eventsOf, peers } = connected({ initiator: false });
    await vi.advanceTimersByTimeAsync(1_500);
    expect(eventsOf('peer:state').map((e) => e.state)).toEqual([
      'connecting',
      'connected',
      'reconnecting',
    ]);
    expect(sent.at(-1)).toEqual({
      to: 'p-1',
      attempt: 1,
      data: { type: 'icelane:restart', step: 'ice-restart', cause: 'path-lost', gen: 0 },
    });
    heartbeat();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('peer:state').at(-1)!.state).toBe('connected');
    expect(eventsOf('recovery')).toEqual([
      expect.objectContaining({ cause: 'path-lost', step: 'ice-restart', outcome: 'recovered' }),
    ]);
    expect(eventsOf('recovery')[0]!.gapMs).toBeGreaterThanOrEqual(1_000);
    // Healed in place: the same connection, no new stream.
    expect(peers.all).toEqual([peer]);
    expect(eventsOf('stream')).toEqual([]);
  });

  it('checks signaling at the first late heartbeat and a half, before the path counts as lost', async () => {
    const { onTrouble, eventsOf } = connected({ initiator: false });
    await vi.advanceTimersByTimeAsync(250);
    expect(onTrouble).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(250);
    // Suspect, not lost: signaling is checked, the app hears nothing yet.
    expect(onTrouble).toHaveBeenCalledTimes(1);
    expect(eventsOf('peer:state').at(-1)!.state).toBe('connected');
  });

  it('the offerer restarts ICE when the answerer asks, on the same connection', () => {
    const { link, peer, eventsOf, peers } = connected({ initiator: true });
    link.receive(1, { type: 'icelane:restart', step: 'ice-restart', cause: 'path-lost', gen: 0 });
    expect(peer._pc.iceRestarts).toBe(1);
    expect(peer.negotiations).toBe(1);
    // This side still hears the far side: the incident is the answerer's, not this side's.
    expect(eventsOf('peer:state').at(-1)!.state).toBe('connected');
    expect(peers.all).toEqual([peer]);
  });

  it('climbs to a relay-only restart, then makes a new connection, and says so when it is up', async () => {
    const { peer, peers, eventsOf } = connected({ initiator: true });
    await vi.advanceTimersByTimeAsync(1_500);
    expect(peer._pc.iceRestarts).toBe(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(peer._pc.iceRestarts).toBe(2);
    expect(peer._pc.getConfiguration().iceTransportPolicy).toBe('relay');
    await vi.advanceTimersByTimeAsync(4_000);
    expect(eventsOf('fallback')).toEqual([
      expect.objectContaining({ attempt: 2, reason: 'path-lost', policy: 'relay' }),
    ]);
    expect(peers.all).toHaveLength(2);
    peers.last()._pc.stats = chromeSrflx;
    peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('recovery')).toEqual([
      expect.objectContaining({ cause: 'path-lost', step: 'new-connection', outcome: 'recovered' }),
    ]);
  });

  it('moves a call whose DTLS transport failed to a new connection (Firefox, its interface gone), and says so when it is up', async () => {
    const { link, peer, peers, sent, eventsOf } = connected({ initiator: true });
    interfaceGone(peer);
    await vi.advanceTimersByTimeAsync(900);
    // Signaling went with the interface: the retry waits for the close grace.
    expect(peers.all).toHaveLength(1);
    // The far side's answer to a restart, for the dead connection: dropped, not thrown.
    expect(() => link.receive(1, { type: 'answer', sdp: 'v=0 answer', gen: 1 })).not.toThrow();
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.at(-1)).toMatchObject({ attempt: 2, data: { type: 'icelane:retry' } });
    await expectNewConnectionRecovers({ peers, eventsOf });
    // Not the dead connection's path: the new one's comes as its first `report`.
    expect(eventsOf('report').map((e) => e.report.attempt)).toContain(1);
    expect(eventsOf('recovery')[0]).not.toHaveProperty('report');
  });

  /** The retry made one new connection; once it is up, the incident ends with `recovered`. */
  async function expectNewConnectionRecovers({
    peers,
    eventsOf,
  }: Pick<ReturnType<typeof connected>, 'peers' | 'eventsOf'>) {
    expect(peers.all).toHaveLength(2);
    peers.last()._pc.stats = chromeSrflx;
    peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('recovery')).toEqual([
      expect.objectContaining({
        cause: 'ice-failed',
        step: 'new-connection',
        outcome: 'recovered',
      }),
    ]);
  }

  /** Firefox's interface goes: ICE disconnected, the DTLS transport failed, every channel closed. */
  function interfaceGone(peer: ReturnType<typeof connected>['peer']) {
    peer._pc.setState('iceConnectionState', 'disconnected');
    peer._pc.dtls.setState('failed');
    peer.remoteClose();
  }

  it.each([
    ['was already lost', true],
    ['is lost within the close grace', false],
  ])(
    'keeps a call whose transport failed while signaling %s, and retries once signaling is back',
    async (_, lostFirst) => {
      const { link, peer, peers, sent, onLost, eventsOf } = connected({ initiator: true });
      if (lostFirst) link.detach();
      interfaceGone(peer);
      await vi.advanceTimersByTimeAsync(500);
      if (!lostFirst) link.detach();
      // The rejoin takes longer than the close grace (a loaded machine): the call is not over,
      // the far side still holds it and waits for this side's retry.
      await vi.advanceTimersByTimeAsync(2_000);
      expect(onLost).not.toHaveBeenCalled();
      expect(link.live).toBe(true);
      expect(eventsOf('peer:state').map((e) => e.state)).not.toContain('closed');
      expect(eventsOf('fallback')).toEqual([]);
      link.attach('p-1-rejoined');
      await vi.advanceTimersByTimeAsync(0);
      expect(sent.at(-1)).toEqual({
        to: 'p-1-rejoined',
        attempt: 2,
        data: { type: 'icelane:retry', reason: 'ice-failed' },
      });
      await expectNewConnectionRecovers({ peers, eventsOf });
    },
  );

  it('keeps a call whose channels closed while its path was failing and signaling was lost, before its transport said failed', async () => {
    const { link, peer, peers, sent, onLost, eventsOf } = connected({ initiator: true });
    link.detach();
    // Firefox: ICE disconnected, then its channels closed; simple-peer closes the connection, so
    // the transport's `failed` never comes.
    peer._pc.setState('iceConnectionState', 'disconnected');
    await vi.advanceTimersByTimeAsync(0);
    peer.remoteClose();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(onLost).not.toHaveBeenCalled();
    expect(eventsOf('peer:state').map((e) => e.state)).not.toContain('closed');
    link.attach('p-1-rejoined');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)).toMatchObject({ to: 'p-1-rejoined', attempt: 2 });
    await expectNewConnectionRecovers({ peers, eventsOf });
  });

  it('ends a call whose transport failed when signaling stays away past its healing', async () => {
    const { link, peer, onLost, sent } = connected({ initiator: true });
    link.detach();
    interfaceGone(peer);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(onLost).toHaveBeenCalled();
    expect(sent.filter((s) => s.data.type === 'icelane:retry')).toEqual([]);
  });

  it("keeps a call whose healing gave up while the peer's signaling was away, and retries once the peer is back", async () => {
    const { link, peers, sent, onLost, eventsOf } = connected({ initiator: true });
    // The server said the peer left without naming a new id: its own probe cut its signaling.
    link.detach();
    await vi.advanceTimersByTimeAsync(12_000);
    // Both restarts went unanswered and the last rung is due: it waits for the peer.
    expect(onLost).not.toHaveBeenCalled();
    expect(link.live).toBe(true);
    expect(eventsOf('fallback')).toEqual([]);
    expect(eventsOf('peer:state').at(-1)!.state).toBe('reconnecting');
    link.attach('p-1-rejoined');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)).toEqual({
      to: 'p-1-rejoined',
      attempt: 2,
      data: { type: 'icelane:retry', reason: 'path-lost' },
    });
    expect(peers.all).toHaveLength(2);
  });

  it('ends a call whose healing gave up once the peer stayed away for the signaling timeout', async () => {
    const { link, onLost, sent } = connected({
      initiator: true,
      options: { signalingTimeoutMs: 5_000 },
    });
    link.detach();
    await vi.advanceTimersByTimeAsync(12_000);
    expect(onLost).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(onLost).toHaveBeenCalledTimes(1);
    expect(sent.filter((s) => s.data.type === 'icelane:retry')).toEqual([]);
  });

  it('leaves a call alone with recovery off', async () => {
    const { peer, eventsOf } = connected({ initiator: true, options: { recovery: false } });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(peer._pc.iceRestarts).toBe(0);
    expect(eventsOf('peer:state').map((e) => e.state)).toEqual(['connecting', 'connected']);
  });
});

describe('signals of a later SDK version', () => {
  useFakeTimersPerTest(1_000_000);

  it('are dropped, never handed to simple-peer (which would end the connection)', () => {
    const { link, peers } = openLink({ initiator: false });
    link.receive(1, { type: 'icelane:something-new', value: 1 });
    link.receive(1, OFFER);
    expect(peers.last().received).toEqual([OFFER]);
  });
});
