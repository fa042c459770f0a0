import { describe, expect, it } from 'vitest';
import { connectFailedError, type FailedAttempt } from './errors.js';
import { IPV6_ONLY_CAUSE, candidateFamily, isIpv6OnlyWithIpv4Servers } from './family-mismatch.js';

const IPV4_SERVERS = [
  { urls: 'stun:203.0.113.1:3478' },
  { urls: 'turn:203.0.113.1:3478', username: 'u', credential: 'c' },
];
const NAMED_SERVERS = [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'c' }];

const candidate = (line: string, address: string | null = null) =>
  ({ candidate: line, address }) as RTCIceCandidate;

describe('candidateFamily', () => {
  it('reads the family from the address, or the candidate line when the browser leaves it out', () => {
    expect(candidateFamily(candidate('x', '2001:db8::2'))).toBe('ipv6');
    expect(candidateFamily(candidate('candidate:1 1 udp 2122 100.64.0.2 5000 typ host'))).toBe(
      'ipv4',
    );
    expect(candidateFamily(candidate('candidate:1 1 udp 2122 ab12.local 5000 typ host'))).toBe(
      null,
    );
  });
});

describe('isIpv6OnlyWithIpv4Servers', () => {
  it('holds when this side has IPv6 only and every server is an IPv4 literal', () => {
    expect(isIpv6OnlyWithIpv4Servers(['ipv6'], IPV4_SERVERS)).toBe(true);
  });

  it('does not hold with an IPv4 address here, a named server, or nothing gathered', () => {
    expect(isIpv6OnlyWithIpv4Servers(['ipv6', 'ipv4'], IPV4_SERVERS)).toBe(false);
    expect(isIpv6OnlyWithIpv4Servers(['ipv6'], NAMED_SERVERS)).toBe(false);
    expect(isIpv6OnlyWithIpv4Servers([], IPV4_SERVERS)).toBe(false);
  });
});

describe('connect-failed on an IPv6-only network', () => {
  const attempt = (families: FailedAttempt['localAddressFamilies']): FailedAttempt => ({
    attempt: 1,
    policy: 'all',
    turn: true,
    reason: 'checks-silent',
    localCandidateTypes: ['host'],
    localAddressFamilies: families,
  });

  it('names the cause when every attempt had IPv6 only and every server was an IPv4 literal', () => {
    const error = connectFailedError('p', [attempt(['ipv6'])], IPV4_SERVERS);
    expect(error.message).toContain(IPV6_ONLY_CAUSE.text);
    expect(error.details?.cause).toBe(IPV6_ONLY_CAUSE.code);
  });

  it('says nothing of it once an IPv4 address was gathered or a server has a host name', () => {
    for (const error of [
      connectFailedError('p', [attempt(['ipv6']), attempt(['ipv4', 'ipv6'])], IPV4_SERVERS),
      connectFailedError('p', [attempt(['ipv6'])], NAMED_SERVERS),
      connectFailedError('p', [attempt(['ipv6'])]),
    ]) {
      expect(error.message).not.toContain(IPV6_ONLY_CAUSE.text);
      expect(error.details?.cause).toBeUndefined();
    }
  });
});
