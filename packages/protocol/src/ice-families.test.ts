import { describe, expect, it } from 'vitest';
import { addressFamilyOf, everyIceUrlIsIpv4Literal, iceUrlHost } from './ice-families.js';

describe('addressFamilyOf', () => {
  it('tells IPv4 and IPv6 literals from host names', () => {
    expect(addressFamilyOf('203.0.113.1')).toBe('ipv4');
    expect(addressFamilyOf('[2001:db8::1]')).toBe('ipv6');
    expect(addressFamilyOf('2001:db8::1')).toBe('ipv6');
    expect(addressFamilyOf('64:ff9b::cb00:7101')).toBe('ipv6');
    expect(addressFamilyOf('turn.example.com')).toBeNull();
    expect(addressFamilyOf('300.0.113.1')).toBeNull();
  });
});

describe('iceUrlHost', () => {
  it('reads the host of a URL, an IPv6 literal whole with its brackets', () => {
    expect(iceUrlHost('turn:[2001:db8::1]:3478?transport=udp')).toBe('[2001:db8::1]');
    expect(iceUrlHost('stun:[64:ff9b::cb00:7101]')).toBe('[64:ff9b::cb00:7101]');
    expect(iceUrlHost('turns:turn.example.com:443?transport=tcp')).toBe('turn.example.com');
    expect(iceUrlHost('turn:203.0.113.1?transport=udp')).toBe('203.0.113.1');
    expect(iceUrlHost('stun:')).toBe('');
  });
});

describe('everyIceUrlIsIpv4Literal', () => {
  const turn = { username: 'u', credential: 'c' };

  it('is true when every STUN and TURN URL is an IPv4 literal', () => {
    expect(
      everyIceUrlIsIpv4Literal([
        { urls: 'stun:203.0.113.1:3478' },
        { urls: ['turn:203.0.113.1?transport=udp', 'turns:203.0.113.1:443'], ...turn },
      ]),
    ).toBe(true);
  });

  it('is false as soon as one URL has a host name or an IPv6 literal', () => {
    expect(
      everyIceUrlIsIpv4Literal([
        { urls: 'stun:203.0.113.1' },
        { urls: 'turn:turn.example.com', ...turn },
      ]),
    ).toBe(false);
    expect(
      everyIceUrlIsIpv4Literal([{ urls: 'stun:203.0.113.1' }, { urls: 'stun:[2001:db8::1]' }]),
    ).toBe(false);
    expect(
      everyIceUrlIsIpv4Literal([
        { urls: 'stun:203.0.113.1' },
        { urls: 'turn:[2001:db8::1]:3478?transport=udp', ...turn },
      ]),
    ).toBe(false);
  });

  it('is false for an empty list (nothing to warn about)', () => {
    expect(everyIceUrlIsIpv4Literal([])).toBe(false);
  });
});
