import { describe, expect, it } from 'vitest';
import type { NetworkClass } from '@icelane/sdk';
import {
  describeMapping,
  judgeNetwork,
  localStunHost,
  type GatheredCandidate,
  type Gathering,
} from './network-verdict.js';

const host: GatheredCandidate = { type: 'host', protocol: 'udp', address: '192.168.1.20' };
const srflx: GatheredCandidate = { type: 'srflx', protocol: 'udp', address: '203.0.113.7' };
const relay: GatheredCandidate = {
  type: 'relay',
  protocol: 'udp',
  address: '203.0.113.50',
  relayProtocol: 'tcp',
};

function gathering(overrides: Partial<Gathering>): Gathering {
  return {
    candidates: [],
    errors: [],
    complete: true,
    durationMs: 420,
    stunConfigured: true,
    turnConfigured: true,
    ...overrides,
  };
}

describe('network check verdict', () => {
  it('says TURN answered and accepted the credentials when a relay candidate is gathered', () => {
    const verdict = judgeNetwork(gathering({ candidates: [relay, host, srflx] }));
    expect(verdict.types).toEqual(['host', 'srflx', 'relay']);
    expect(verdict.turn).toBe('ok');
    expect(verdict.lines).toContain(
      'TURN answered and accepted the credentials: 1 relay candidate(s) over tcp.',
    );
    expect(verdict.lines).toContain(
      "STUN answered: this network's public address is 203.0.113.7 (srflx).",
    );
    expect(verdict.summary).toMatch(/can connect anywhere/);
  });

  it('says the credentials were rejected on a 401 from a TURN URL', () => {
    const verdict = judgeNetwork(
      gathering({
        candidates: [host, srflx],
        errors: [
          {
            url: 'turn:203.0.113.50:3478?transport=udp',
            errorCode: 401,
            errorText: 'Unauthorized',
          },
        ],
      }),
    );
    expect(verdict.turn).toBe('rejected');
    expect(verdict.lines).toContain(
      'TURN answered but rejected the credentials (401 Unauthorized).',
    );
    expect(verdict.summary).toMatch(/symmetric NAT/);
  });

  it('says TURN is unreachable when it gave neither a candidate nor an auth error', () => {
    const verdict = judgeNetwork(
      gathering({
        candidates: [host],
        errors: [
          { url: 'turn:203.0.113.50:3478?transport=udp', errorCode: 701, errorText: 'timeout' },
        ],
        complete: false,
        durationMs: 12_000,
      }),
    );
    expect(verdict.turn).toBe('unreachable');
    expect(verdict.lines.join(' ')).toMatch(/TURN did not answer \(701 at turn:203\.0\.113\.50/);
    expect(verdict.lines.join(' ')).toMatch(/had not finished after 12000 ms/);
    expect(verdict.summary).toBe('Only calls on the same local network can connect from here.');
  });

  it('does not blame TURN for a STUN error', () => {
    const verdict = judgeNetwork(
      gathering({
        candidates: [host],
        errors: [{ url: 'stun:203.0.113.9:3478', errorCode: 401, errorText: 'x' }],
      }),
    );
    expect(verdict.turn).toBe('unreachable');
  });

  it('says when the server handed out no TURN at all', () => {
    const verdict = judgeNetwork(gathering({ candidates: [host, srflx], turnConfigured: false }));
    expect(verdict.turn).toBe('not-configured');
    expect(verdict.lines).toContain(
      'The server handed out no TURN server: there is no relay to fall back on.',
    );
  });

  it('notices host candidates hidden behind mDNS names', () => {
    const verdict = judgeNetwork(
      gathering({ candidates: [{ type: 'host', protocol: 'udp', address: 'f3a1.local' }] }),
    );
    expect(verdict.lines[0]).toMatch(/hidden behind \.local names/);
  });
});

describe('describeMapping', () => {
  const network = (overrides: Partial<NetworkClass>): NetworkClass => ({
    mapping: 'unknown',
    udp: true,
    turn: null,
    publicAddress: '203.0.113.11',
    stunEndpoints: ['stun:a.test:3478', 'stun:a.test:3479'],
    addressFamilies: ['ipv4'],
    durationMs: 40,
    ...overrides,
  });

  it('predicts the relay behind a symmetric NAT', () => {
    const { line, prediction } = describeMapping(network({ mapping: 'endpoint-dependent' }));
    expect(line).toMatch(/symmetric NAT.*203\.0\.113\.11/);
    expect(prediction).toMatch(/will need the relay/);
  });

  it('predicts the relay only for a symmetric far side on a cone NAT', () => {
    expect(describeMapping(network({ mapping: 'endpoint-independent' })).prediction).toBe(
      'Calls from here will need the relay only when the other side is behind a symmetric NAT.',
    );
  });

  it('says why it cannot tell', () => {
    expect(describeMapping(network({ stunEndpoints: ['stun:a.test'] })).line).toMatch(
      /ICELANE_STUN_PROBE_URLS/,
    );
    expect(describeMapping(network({ udp: false })).prediction).toMatch(/TCP or TLS/);
  });
});

describe('a STUN server on the local network (the LAN demo)', () => {
  it('is found by its address in the STUN URL', () => {
    expect(localStunHost(['stun:192.168.1.5:3478', 'turn:192.168.1.5:3478'])).toBe('192.168.1.5');
    expect(localStunHost(['stun:10.0.0.2'])).toBe('10.0.0.2');
    expect(localStunHost(['stun:172.20.1.1:3478'])).toBe('172.20.1.1');
    expect(localStunHost(['stun:127.0.0.1:3478'])).toBe('127.0.0.1');
    expect(localStunHost(['stun:[fd00::5]:3478'])).toBe('[fd00::5]');
    expect(localStunHost(['stun:stun.cloudflare.com:3478'])).toBeNull();
    expect(localStunHost(['stun:203.0.113.9:3478', 'stun:10.0.0.2'])).toBeNull();
    expect(localStunHost(['stun:172.32.0.1'])).toBeNull();
  });

  it('explains a missing srflx without saying STUN did not answer', () => {
    const verdict = judgeNetwork(gathering({ candidates: [host], localStun: '192.168.1.5' }));
    const line = verdict.lines.find((l) => l.startsWith('No public (srflx) candidate'))!;
    expect(line).toContain('STUN server on this local network (192.168.1.5)');
    expect(line).not.toContain('did not answer');
  });
});
