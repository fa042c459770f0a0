import { describe, expect, it } from 'vitest';
import { classifyMapping, classifyTurn, type ProbeCandidate } from './classify.js';
import { probeEndpoints } from './run-check.js';

const host = (address: string, port = 50000): ProbeCandidate => ({
  type: 'host',
  protocol: 'udp',
  address,
  port,
});
const srflx = (port: number, base?: [string, number], url?: string): ProbeCandidate => ({
  type: 'srflx',
  protocol: 'udp',
  address: '203.0.113.11',
  port,
  relatedAddress: base?.[0] ?? '0.0.0.0',
  relatedPort: base?.[1] ?? 0,
  url: url ?? null,
});
const answered = (candidates: ProbeCandidate[]) => ({ candidates, errors: [], complete: true });

describe('classifyMapping', () => {
  it('calls two public ports for one socket endpoint-dependent (symmetric NAT)', () => {
    const base: [string, number] = ['100.64.1.2', 50000];
    const gathering = answered([host('100.64.1.2'), srflx(40001, base), srflx(40002, base)]);
    expect(classifyMapping(gathering, 2)).toEqual({
      mapping: 'endpoint-dependent',
      udp: true,
      publicAddress: '203.0.113.11',
    });
  });

  it('reads sockets hidden behind mDNS names by counting the host candidates', () => {
    const hidden = [host('a.local'), srflx(40001), srflx(40002)];
    expect(classifyMapping(answered(hidden), 2).mapping).toBe('endpoint-dependent');
    const twoSockets = [host('a.local'), host('b.local'), srflx(40001), srflx(40002)];
    expect(classifyMapping(answered(twoSockets), 2).mapping).toBe('endpoint-independent');
  });

  it('calls one public port per socket endpoint-independent once both servers answered', () => {
    const gathering = answered([host('a.local'), srflx(50000)]);
    expect(classifyMapping(gathering, 2)).toMatchObject({
      mapping: 'endpoint-independent',
      udp: true,
    });
    // The browser drops the second, equal candidate: one STUN endpoint alone cannot tell.
    expect(classifyMapping(gathering, 1).mapping).toBe('unknown');
  });

  it('says unknown when a server did not answer: the missing candidate may not be a duplicate', () => {
    const candidates = [host('a.local'), srflx(50000)];
    expect(classifyMapping({ candidates, errors: [], complete: false }, 2).mapping).toBe('unknown');
    const errors = [{ url: 'stun:203.0.113.1:3479', errorCode: 701 }];
    expect(classifyMapping({ candidates, errors, complete: true }, 2).mapping).toBe('unknown');
  });

  it('takes a public host address with no reflexive candidate for no NAT', () => {
    expect(classifyMapping(answered([host('203.0.113.21')]), 2)).toEqual({
      mapping: 'endpoint-independent',
      udp: true,
      publicAddress: '203.0.113.21',
    });
    expect(classifyMapping(answered([host('100.64.1.2')]), 2).mapping).toBe('unknown');
  });

  it('says UDP does not get out when STUN stays silent', () => {
    const silent = { candidates: [host('a.local')], errors: [], complete: false };
    expect(classifyMapping(silent, 2)).toEqual({
      mapping: 'unknown',
      udp: false,
      publicAddress: null,
    });
  });
});

describe('classifyTurn', () => {
  const urls = ['turn:t.test:3478?transport=udp', 'turn:t.test:3478?transport=tcp'];

  it('marks the transports that gave a relay candidate, the others as silent', () => {
    const relay: ProbeCandidate = { ...srflx(1), type: 'relay', relayProtocol: 'tcp' };
    expect(classifyTurn(answered([relay]), urls)).toEqual({ udp: false, tcp: true, tls: null });
  });

  it('falls back on the candidate URL when the browser gives no relay protocol', () => {
    const relay: ProbeCandidate = { ...srflx(1), type: 'relay', url: 'turns:t.test:443' };
    expect(classifyTurn(answered([relay]), [...urls, 'turns:t.test:443'])).toEqual({
      udp: false,
      tcp: false,
      tls: true,
    });
  });
});

describe('probeEndpoints', () => {
  const ice = (stunProbe?: string[]) => ({
    iceServers: [
      { urls: ['stun:t.test:3478', 'turn:t.test:3478'], username: 'u', credential: 'c' },
    ],
    expiresAt: null,
    turn: true,
    policy: 'all' as const,
    ...(stunProbe ? { stunProbe } : {}),
  });

  it('pairs the first STUN URL with the first probe URL on another port or address', () => {
    expect(probeEndpoints(ice(['stun:T.test', 'stun:t.test:3479']))).toEqual([
      'stun:t.test:3478',
      'stun:t.test:3479',
    ]);
    expect(probeEndpoints(ice())).toEqual(['stun:t.test:3478']);
  });
});
