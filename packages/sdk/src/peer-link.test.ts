import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import { IcelaneError } from './errors.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { openLink } from '../test/fakes/link-harness.js';
import { iceConfig, TURN_URL } from '../test/fakes/ice.js';
import { chromeSrflx } from '../test/stats-fixtures.js';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0 offer' };
const ANSWER: SignalData = { type: 'answer', sdp: 'v=0 answer' };
const CANDIDATE: SignalData = { type: 'candidate', candidate: { candidate: 'candidate:1' } };

describe('the link to one peer', () => {
  useFakeTimersPerTest(1_000_000);

  it("starts the first attempt at once with the room's ICE servers, as offerer or answerer", () => {
    const offerer = openLink();
    expect(offerer.peers.all).toHaveLength(1);
    expect(offerer.peers.last().options.initiator).toBe(true);
    expect(offerer.peers.last().options.config.iceTransportPolicy).toBe('all');
    expect(offerer.eventsOf('peer:state')).toEqual([
      { peerId: 'p-1', state: 'connecting', attempt: 1, policy: 'all' },
    ]);
    expect(openLink({ initiator: false }).peers.last().options.initiator).toBe(false);
  });

  it("sends its signals stamped with the attempt to the peer's current signaling id", () => {
    const { link, peers, sent } = openLink();
    peers.last().emitSignal(OFFER);
    link.attach('p-1-after-rejoin');
    peers.last().emitSignal(CANDIDATE);
    expect(sent).toEqual([
      { to: 'p-1', attempt: 1, data: { ...OFFER, gen: 0 } },
      { to: 'p-1-after-rejoin', attempt: 1, data: { ...CANDIDATE, gen: 0 } },
    ]);
  });

  it('hands signals of the current attempt to its peer and drops those of an older one', async () => {
    const { link, peers } = openLink();
    peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(peers.all).toHaveLength(2);
    link.receive(1, ANSWER);
    link.receive(2, ANSWER);
    expect(peers.all[0]!.received).toEqual([]);
    expect(peers.last().received).toEqual([ANSWER]);
  });

  it('drops signals of an attempt beyond the last one', () => {
    const { link, peers } = openLink({ initiator: false });
    link.receive(3, OFFER);
    expect(peers.all).toHaveLength(1);
    expect(peers.last().received).toEqual([]);
  });

  it('falls back from attempt 1 to a relay-only attempt 2 on fresh credentials, and tells the peer', async () => {
    const { peers, sent, events, freshIce } = openLink();
    vi.setSystemTime(1_004_000);
    peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);

    expect(sent).toEqual([
      { to: 'p-1', attempt: 2, data: { type: 'icelane:retry', reason: 'ice-failed' } },
    ]);
    expect(events.slice(1)).toEqual([
      ['fallback', { peerId: 'p-1', attempt: 2, reason: 'ice-failed', policy: 'relay' }],
      ['peer:state', { peerId: 'p-1', state: 'retrying', attempt: 2, policy: 'relay' }],
      ['peer:state', { peerId: 'p-1', state: 'connecting', attempt: 2, policy: 'relay' }],
    ]);
    // Servers fetched after the failure: credentials issued before it may be what failed.
    expect(freshIce).toHaveBeenCalledExactlyOnceWith(1_004_000);
    const [first, second] = peers.all;
    expect(first!.destroyed).toBe(true);
    expect(second!.options.initiator).toBe(true);
    expect(second!.options.config).toEqual({
      iceServers: [{ urls: TURN_URL, username: 'u2', credential: 'c2' }],
      iceTransportPolicy: 'relay',
    });
    second!.emitSignal(OFFER);
    expect(sent.at(-1)).toEqual({ to: 'p-1', attempt: 2, data: { ...OFFER, gen: 0 } });
  });

  it('creates no peer for the next attempt until its fresh servers are in, and keeps its signals for it', async () => {
    const { link, peers, resolveIce } = openLink({ initiator: false, holdFreshIce: true });
    peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);
    link.receive(2, OFFER);
    link.receive(2, CANDIDATE);
    expect(peers.all).toHaveLength(1);
    resolveIce();
    await vi.advanceTimersByTimeAsync(0);
    expect(peers.all).toHaveLength(2);
    expect(peers.last().received).toEqual([OFFER, CANDIDATE]);
    expect(peers.last().options.config.iceServers).toEqual([
      { urls: TURN_URL, username: 'u2', credential: 'c2' },
    ]);
  });

  it("follows the far side's retry notice without sending one back", async () => {
    const { link, peers, sent, eventsOf } = openLink({ initiator: false });
    link.receive(2, { type: 'icelane:retry', reason: 'checks-silent' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([]);
    expect(eventsOf('fallback')).toEqual([
      { peerId: 'p-1', attempt: 2, reason: 'checks-silent', policy: 'relay' },
    ]);
    expect(peers.all[0]!.destroyed).toBe(true);
    expect(peers.last().options.config.iceTransportPolicy).toBe('relay');
    expect(peers.last().options.initiator).toBe(false);
  });

  it('follows a signal of the next attempt when the retry notice was lost, and answers it', async () => {
    const { link, peers } = openLink({ initiator: false });
    link.receive(2, OFFER);
    await vi.advanceTimersByTimeAsync(0);
    expect(peers.all).toHaveLength(2);
    expect(peers.last().received).toEqual([OFFER]);
  });

  it('names the cause when this side had IPv6 only and every ICE server was an IPv4 literal', async () => {
    const ipv4Literals = {
      ...iceConfig(1),
      iceServers: [
        { urls: 'stun:203.0.113.1:3478' },
        { urls: 'turn:203.0.113.1:3478', username: 'u1', credential: 'c1' },
      ],
    };
    const { peers, eventsOf } = openLink({ ice: ipv4Literals });
    peers.last()._pc.gather('host', '2001:db8::2');
    await vi.advanceTimersByTimeAsync(5_000);
    peers.last()._pc.gather('host', '2001:db8::2');
    await vi.advanceTimersByTimeAsync(5_000);

    const [error] = eventsOf('error');
    expect(error?.code).toBe('connect-failed');
    expect(error?.details?.cause).toBe('ipv6-only-ipv4-servers');
    expect(error?.message).toContain('IPv6 only and every STUN/TURN server is an IPv4 literal');
  });

  it('gives up after the last attempt with one connect-failed error that lists every attempt', async () => {
    const { peers, eventsOf } = openLink();
    peers.last()._pc.gather('host');
    peers.last()._pc.gather('srflx');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(peers.all).toHaveLength(2);
    // Relay-only, and no relay candidate by the deadline: the TURN server was not reached.
    peers.last()._pc.gather('host');
    await vi.advanceTimersByTimeAsync(5_000);

    const errors = eventsOf('error');
    expect(errors).toHaveLength(1);
    const error = errors[0]!;
    expect(error).toBeInstanceOf(IcelaneError);
    expect(error.code).toBe('connect-failed');
    expect(error.peerId).toBe('p-1');
    expect(error.details?.attempts).toEqual([
      {
        attempt: 1,
        policy: 'all',
        turn: true,
        reason: 'timeout',
        localCandidateTypes: ['host', 'srflx'],
        localAddressFamilies: ['ipv4'],
      },
      {
        attempt: 2,
        policy: 'relay',
        turn: true,
        reason: 'no-relay-candidate',
        localCandidateTypes: ['host'],
        localAddressFamilies: ['ipv4'],
      },
    ]);
    expect(error.message).toContain('attempt 1 (policy all, with TURN)');
    expect(error.message).toContain('attempt 2 (policy relay, with TURN)');
    expect(error.message).toContain('no relay candidate was gathered');
    expect(error.details?.cause).toBeUndefined();
    expect(eventsOf('peer:state').at(-1)).toEqual({
      peerId: 'p-1',
      state: 'failed',
      attempt: 2,
      policy: 'relay',
    });
    expect(peers.last().destroyed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(peers.all).toHaveLength(2);
    expect(eventsOf('error')).toHaveLength(1);
  });

  it('never falls back with the `direct` strategy', async () => {
    const { peers, eventsOf } = openLink({ options: { strategy: 'direct' } });
    expect(peers.last().options.config.iceServers).toEqual([
      { urls: 'stun:stun.example.com:3478' },
    ]);
    peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('fallback')).toEqual([]);
    expect(eventsOf('error').map((error) => error.code)).toEqual(['connect-failed']);
    expect(peers.all).toHaveLength(1);
  });

  it('sends on an open data channel, and throws send-failed naming the peer when it is not open', () => {
    const { link, peers } = openLink();
    expect(() => link.send('too early')).toThrow(
      expect.objectContaining({ name: 'IcelaneError', code: 'send-failed', peerId: 'p-1' }),
    );
    peers.last().connect();
    link.send('hello');
    expect(peers.last().sent).toEqual(['hello']);
  });

  it("shows remote media once its connection is up, and never a failed attempt's (issue 23)", async () => {
    const { peers, eventsOf } = openLink();
    const dead = { id: 'attempt-1' } as unknown as MediaStream;
    peers.last().emit('stream', dead);
    peers.last().emit('track', { kind: 'video' }, dead);
    expect(eventsOf('stream')).toEqual([]);
    peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);

    const live = { id: 'attempt-2' } as unknown as MediaStream;
    const track = { kind: 'video' } as unknown as MediaStreamTrack;
    peers.last().emit('stream', live);
    peers.last().emit('track', track, live);
    expect(eventsOf('stream')).toEqual([]);
    peers.last()._pc.stats = chromeSrflx;
    peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('stream')).toEqual([{ peerId: 'p-1', stream: live }]);
    expect(eventsOf('track')).toEqual([{ peerId: 'p-1', track, stream: live }]);
    // Media the live connection receives later (a renegotiation) reaches the app at once.
    const added = { id: 'screen' } as unknown as MediaStream;
    peers.last().emit('stream', added);
    expect(eventsOf('stream').at(-1)).toEqual({ peerId: 'p-1', stream: added });
  });

  it('tells the app it connected, then which path the call is on', async () => {
    const { link, peers, eventsOf } = openLink();
    peers.last()._pc.stats = chromeSrflx;
    peers.last().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(eventsOf('peer:state').at(-1)).toMatchObject({ state: 'connected', attempt: 1 });
    expect(eventsOf('report')).toEqual([
      { peerId: 'p-1', report: expect.objectContaining({ relayed: false, attempt: 1 }) },
    ]);
    expect(link.live).toBe(true);
    expect(link.snapshot()).toMatchObject({
      peerId: 'p-1',
      name: 'Ada',
      state: 'connected',
      attempt: 1,
      report: { relayed: false },
    });
  });

  it('takes a live connection that closes for a failure only when no reason follows within a second', async () => {
    const { peers, eventsOf } = openLink();
    peers.last().connect();
    peers.last().remoteClose();
    await vi.advanceTimersByTimeAsync(999);
    expect(eventsOf('fallback')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(eventsOf('fallback')).toEqual([
      { peerId: 'p-1', attempt: 2, reason: 'ice-failed', policy: 'relay' },
    ]);
  });

  it('ends quietly when closed mid-attempt: no retry, no error, however late the failure', async () => {
    const { link, peers, sent, eventsOf } = openLink();
    link.close();
    expect(peers.last().destroyedBySdk).toBe(true);
    expect(eventsOf('peer:state').at(-1)).toMatchObject({ state: 'closed' });
    await vi.advanceTimersByTimeAsync(60_000);
    link.receive(2, { type: 'icelane:retry', reason: 'timeout' });
    await vi.advanceTimersByTimeAsync(0);
    expect(peers.all).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(eventsOf('error')).toEqual([]);
    expect(eventsOf('fallback')).toEqual([]);
  });

  it('makes no new connection when closed while the next attempt waits for fresh servers', async () => {
    const { link, peers, resolveIce } = openLink({ holdFreshIce: true });
    peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);
    link.close();
    resolveIce();
    await vi.advanceTimersByTimeAsync(0);
    expect(peers.all).toHaveLength(1);
  });

  it('gives the live connection fresh servers for its own attempt', async () => {
    const { link, peers } = openLink();
    peers.last().fail();
    await vi.advanceTimersByTimeAsync(0);
    peers.last().connect();
    link.applyIce(iceConfig(7));
    expect(peers.last()._pc.configurations).toEqual([
      {
        iceServers: [{ urls: TURN_URL, username: 'u7', credential: 'c7' }],
        iceTransportPolicy: 'relay',
      },
    ]);
  });

  it('without signaling, takes a live connection that ends for the peer gone, not for a retry', async () => {
    const { link, peers, sent, onLost, eventsOf } = openLink();
    peers.last().connect();
    link.detach();
    peers.last().remoteClose();
    await vi.advanceTimersByTimeAsync(0);
    expect(onLost).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toEqual([]);
    expect(eventsOf('fallback')).toEqual([]);
  });
});
