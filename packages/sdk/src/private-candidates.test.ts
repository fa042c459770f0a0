import { describe, expect, it, vi } from 'vitest';
import type { SignalData } from '@icelane/protocol';
import {
  FAR_ADDRESS_WAIT_MS,
  isPrivateAddress,
  parseCandidate,
  privateCandidateGate,
  relayPairing,
  type RelayPairing,
} from './private-candidates.js';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';

/** A trickled candidate signal as simple-peer sends it. */
function candidate(address: string, type: string, related?: string): SignalData {
  const raddr = related ? ` raddr ${related} rport 9` : '';
  const line = `candidate:1 1 udp 100 ${address} 5000 typ ${type}${raddr} generation 0`;
  return { type: 'candidate', candidate: { candidate: line, sdpMLineIndex: 0, sdpMid: '0' } };
}

const FAR_HOST = candidate('100.64.2.2', 'host');
const FAR_SRFLX = candidate('203.0.113.12', 'srflx', '100.64.2.2');
const OWN_SRFLX = candidate('203.0.113.11', 'srflx', '100.64.1.2');

function gate(pairing: RelayPairing = 'with-relay') {
  const delivered: SignalData[] = [];
  const g = privateCandidateGate(pairing, (data) => delivered.push(data));
  return { g, delivered };
}

describe('the far side’s private host candidates and this side’s relay', () => {
  useFakeTimersPerTest();

  it('drops them once both sides show different public addresses (two networks)', () => {
    const { g, delivered } = gate();
    g.remote(FAR_HOST);
    g.local(OWN_SRFLX);
    expect(delivered).toEqual([]);
    g.remote(FAR_SRFLX);
    expect(delivered).toEqual([FAR_SRFLX]);
    g.remote(candidate('192.168.1.9', 'host'));
    vi.advanceTimersByTime(FAR_ADDRESS_WAIT_MS * 2);
    expect(delivered).toEqual([FAR_SRFLX]);
  });

  it('delivers them once both sides show the same public address (one network)', () => {
    const { g, delivered } = gate();
    const second = candidate('fd00::2', 'host');
    g.remote(FAR_HOST);
    g.remote(second);
    g.local(candidate('203.0.113.12', 'srflx', '100.64.2.7'));
    g.remote(FAR_SRFLX);
    expect(delivered).toEqual([FAR_SRFLX, FAR_HOST, second]);
  });

  it('learns a side’s public address from its relay candidate’s related address', () => {
    const { g, delivered } = gate();
    g.remote(FAR_HOST);
    g.local(candidate('203.0.113.1', 'relay', '203.0.113.11'));
    g.remote(candidate('203.0.113.1', 'relay', '203.0.113.12'));
    expect(delivered.map((d) => d.candidate)).not.toContainEqual(FAR_HOST.candidate);
  });

  it('delivers them when this side’s gathering ends without a public address', () => {
    const { g, delivered } = gate();
    g.remote(FAR_HOST);
    g.remote(FAR_SRFLX);
    g.localGatheringDone();
    expect(delivered).toEqual([FAR_SRFLX, FAR_HOST]);
  });

  it('delivers them when the far side shows no public address in time', () => {
    const { g, delivered } = gate();
    g.local(OWN_SRFLX);
    g.remote(FAR_HOST);
    vi.advanceTimersByTime(FAR_ADDRESS_WAIT_MS - 1);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(delivered).toEqual([FAR_HOST]);
  });

  it('drops them at once when this side gathers relay candidates only', () => {
    const { g, delivered } = gate('relay-only');
    g.remote(FAR_HOST);
    g.localGatheringDone();
    vi.advanceTimersByTime(FAR_ADDRESS_WAIT_MS);
    expect(delivered).toEqual([]);
  });

  it('delivers everything at once without a local relay', () => {
    const { g, delivered } = gate('no-relay');
    g.remote(FAR_HOST);
    expect(delivered).toEqual([FAR_HOST]);
  });

  it('never delivers what it held for an ICE generation a restart has left', () => {
    const { g, delivered } = gate();
    g.remote(FAR_HOST);
    g.restart('with-relay');
    g.localGatheringDone();
    vi.advanceTimersByTime(FAR_ADDRESS_WAIT_MS);
    expect(delivered).toEqual([]);
  });

  it('passes public host candidates, descriptions and SDK signals straight through', () => {
    const { g, delivered } = gate();
    const offer = { type: 'offer', sdp: 'v=0' };
    const publicHost = candidate('2001:db8::5', 'host');
    g.remote(offer);
    g.remote(publicHost);
    expect(delivered).toEqual([offer, publicHost]);
  });
});

describe('candidate lines and addresses', () => {
  it('reads the address, type and related address of a line', () => {
    expect(
      parseCandidate('candidate:8 1 UDP 16 203.0.113.1 6000 typ relay raddr 203.0.113.11 rport 4'),
    ).toEqual({ address: '203.0.113.1', type: 'relay', relatedAddress: '203.0.113.11' });
    expect(parseCandidate('candidate:1')).toBeUndefined();
  });

  it('tells private addresses from public ones', () => {
    for (const address of ['10.1.2.3', '172.20.0.1', '192.168.0.4', '100.100.0.1', 'x.local']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['fe80::1', 'fd12::3', '169.254.1.1']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['203.0.113.11', '172.32.0.1', '100.128.0.1', '2001:db8::1']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('pairs with a relay under policy all only with TURN servers', () => {
    const turn = [{ urls: 'turn:203.0.113.1:3478', username: 'u', credential: 'c' }];
    expect(relayPairing(turn, 'all')).toBe('with-relay');
    expect(relayPairing([{ urls: 'stun:203.0.113.1:3478' }], 'all')).toBe('no-relay');
    expect(relayPairing(turn, 'relay')).toBe('relay-only');
  });
});
