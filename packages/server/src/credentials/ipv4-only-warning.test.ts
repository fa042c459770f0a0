import { describe, expect, it } from 'vitest';
import { IPV4_ONLY_WARNING, ipv4OnlyWarning } from './ipv4-only-warning.js';

describe('ipv4OnlyWarning', () => {
  it('warns when every STUN and TURN URL is an IPv4 literal', () => {
    const coturn = { urls: ['turn:203.0.113.1:3478', 'turns:203.0.113.1:443'] };
    expect(ipv4OnlyWarning(['stun:203.0.113.1:3478'], [coturn])).toBe(IPV4_ONLY_WARNING);
    expect(ipv4OnlyWarning(['stun:203.0.113.1:3478'], [])).toBe(IPV4_ONLY_WARNING);
  });

  it('stays quiet when one server has a host name or an IPv6 literal', () => {
    expect(ipv4OnlyWarning(['stun:203.0.113.1'], [{ urls: ['turn:turn.example.com'] }])).toBe(null);
    expect(ipv4OnlyWarning(['stun:[2001:db8::1]'], [{ urls: ['turn:203.0.113.1'] }])).toBe(null);
  });

  it('stays quiet when a provider chooses its URLs itself (Cloudflare)', () => {
    expect(ipv4OnlyWarning(['stun:203.0.113.1'], [{ urls: undefined }])).toBe(null);
  });

  it('stays quiet with nothing to hand out', () => {
    expect(ipv4OnlyWarning([], [])).toBe(null);
  });
});
