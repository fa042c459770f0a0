import { describe, expect, it } from 'vitest';
import { isAddressOrRange, normalizeAddress, subnetKey, trustedProxyList } from './ip-address.js';

describe('client addresses', () => {
  it('folds IPv4-mapped IPv6 to IPv4', () => {
    expect(normalizeAddress('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
  });

  it('counts an IPv6 client by its /64, whatever address it picks in it', () => {
    expect(subnetKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(subnetKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(subnetKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(subnetKey('::1')).toBe('0:0:0:0::/64');
    expect(subnetKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(subnetKey('198.51.100.7')).toBe('198.51.100.7');
  });

  it('accepts addresses and CIDR ranges, and nothing else', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '0.0.0.0/0']) {
      expect(isAddressOrRange(ok)).toBe(true);
    }
    for (const bad of ['1', 'proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129', '']) {
      expect(isAddressOrRange(bad)).toBe(false);
    }
  });

  it('trusts the listed proxies only, IPv4-mapped or not', () => {
    const trusted = trustedProxyList(['10.0.0.0/8', 'fd00::/8', '192.0.2.10']);
    expect(trusted('10.200.0.1')).toBe(true);
    expect(trusted('::ffff:10.200.0.1')).toBe(true);
    expect(trusted('fd12::5')).toBe(true);
    expect(trusted('192.0.2.10')).toBe(true);
    expect(trusted('192.0.2.11')).toBe(false);
    expect(trusted('not an address')).toBe(false);
    expect(() => trustedProxyList(['1'])).toThrow(/"1" is not an IP address or CIDR range/);
  });
});
