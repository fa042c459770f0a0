import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import { AttemptConnection, type AttemptHandlers } from './attempt-connection.js';
import { resolveJoinOptions } from './defaults.js';
import { planAttempt } from './ice-plan.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import { fakeSimplePeers } from '../test/fakes/fake-simple-peer.js';
import { iceConfig } from '../test/fakes/ice.js';

const CANDIDATE: SignalData = { type: 'candidate', candidate: { candidate: 'candidate:1' } };

/** One live connection on the fakes, as offerer or answerer. */
function live(initiator: boolean) {
  const options = resolveJoinOptions({});
  const plan = planAttempt(options, iceConfig(1), 1);
  const handlers = Object.fromEntries(
    [
      'signal',
      'connected',
      'failed',
      'remoteClosed',
      'data',
      'stream',
      'track',
      'mediaError',
      'control',
      'report',
      'rtt',
      'trouble',
      'heardAgain',
      'turnRefused',
    ].map((name) => [name, vi.fn()]),
  ) as unknown as { [K in keyof AttemptHandlers]: ReturnType<typeof vi.fn> } & AttemptHandlers;
  const peers = fakeSimplePeers();
  const connection = new AttemptConnection(
    {
      plan,
      initiator,
      options,
      SimplePeer: peers.SimplePeer,
      reportContext: () => ({
        peerId: 'p-1',
        attempt: 1,
        strategy: 'auto',
        turnOnDemand: false,
        timeToConnectMs: 100,
      }),
    },
    handlers,
  );
  const peer = peers.last();
  peer.connect();
  return { connection, peer, handlers, fresh: iceConfig(2).iceServers };
}

describe('ICE restart on a live connection', () => {
  useFakeTimersPerTest();

  it('the offerer restarts ICE in place with fresh servers, and its new offer says the generation and policy', () => {
    const { connection, peer, handlers, fresh } = live(true);
    connection.restart(fresh, 'relay');
    expect(peer._pc.iceRestarts).toBe(1);
    expect(peer.negotiations).toBe(1);
    expect(peer._pc.getConfiguration()).toMatchObject({
      iceServers: fresh,
      iceTransportPolicy: 'relay',
    });
    peer.emitSignal({ type: 'offer', sdp: 'v=0 restart' });
    expect(handlers.signal).toHaveBeenLastCalledWith({
      type: 'offer',
      sdp: 'v=0 restart',
      gen: 1,
      policy: 'relay',
    });
    // The connection itself stays: no new peer, nothing destroyed.
    expect(peer.destroyedBySdk).toBe(false);
    expect(connection.iceGeneration).toBe(1);
  });

  it('the answerer only prepares its side: the offerer makes the new offer', () => {
    const { connection, peer, fresh } = live(false);
    connection.restart(fresh, 'all');
    expect(peer._pc.iceRestarts).toBe(0);
    expect(peer.negotiations).toBe(0);
    expect(peer._pc.getConfiguration().iceServers).toEqual(fresh);
  });

  it('the answerer follows a restart offer into its generation and gathers with its policy', () => {
    const { connection, peer } = live(false);
    connection.signal({ type: 'offer', sdp: 'v=0 restart', gen: 1, policy: 'relay' });
    expect(connection.iceGeneration).toBe(1);
    expect(peer._pc.getConfiguration().iceTransportPolicy).toBe('relay');
    expect(peer.received.at(-1)).toMatchObject({ type: 'offer', sdp: 'v=0 restart' });
  });

  it('drops a candidate or answer of a generation it has left, which the browser would refuse', () => {
    const { connection, peer, fresh } = live(true);
    connection.restart(fresh, 'all');
    connection.signal({ ...CANDIDATE, gen: 0 });
    connection.signal({ type: 'answer', sdp: 'v=0 old answer', gen: 0 });
    expect(peer.received).toEqual([]);
    connection.signal({ ...CANDIDATE, gen: 1 });
    expect(peer.received).toEqual([{ ...CANDIDATE, gen: 1 }]);
  });

  it('takes signals without a generation (an older SDK) as they come', () => {
    const { connection, peer } = live(false);
    connection.signal(CANDIDATE);
    expect(peer.received).toEqual([CANDIDATE]);
  });

  it('rolls back an offer still waiting for its answer before restarting again', async () => {
    const { connection, peer, fresh } = live(true);
    const rollbacks: unknown[] = [];
    const pc = peer._pc as unknown as {
      signalingState: RTCSignalingState;
      setLocalDescription(d: unknown): Promise<void>;
    };
    pc.signalingState = 'have-local-offer';
    pc.setLocalDescription = (description) => {
      rollbacks.push(description);
      pc.signalingState = 'stable';
      return Promise.resolve();
    };
    connection.restart(fresh, 'all');
    await vi.advanceTimersByTimeAsync(0);
    expect(rollbacks).toEqual([{ type: 'rollback' }]);
    expect(peer.negotiations).toBe(1);
    expect(connection.iceGeneration).toBe(1);
  });

  it('keeps the far side’s private host candidate from the browser once the two sides’ public addresses differ, and under a relay-only restart', () => {
    const { connection, peer, fresh } = live(true);
    const line = (address: string, type: string) =>
      `candidate:1 1 udp 100 ${address} 5000 typ ${type} generation 0`;
    const candidate = (address: string, type: string, gen: number): SignalData => ({
      type: 'candidate',
      candidate: { candidate: line(address, type), sdpMLineIndex: 0, sdpMid: '0' },
      gen,
    });
    peer.emitSignal({ type: 'candidate', candidate: { candidate: line('203.0.113.11', 'srflx') } });
    connection.signal(candidate('100.64.2.2', 'host', 0));
    connection.signal(candidate('203.0.113.12', 'srflx', 0));
    expect(peer.received).toEqual([candidate('203.0.113.12', 'srflx', 0)]);

    connection.restart(fresh, 'relay');
    connection.signal(candidate('100.64.2.2', 'host', 1));
    connection.signal(candidate('203.0.113.1', 'relay', 1));
    expect(peer.received.slice(1)).toEqual([candidate('203.0.113.1', 'relay', 1)]);
  });
});
