import { describe, expect, it } from 'vitest';
import { localAddressFamilies } from './address-families.js';
import type { ProbeCandidate } from './classify.js';

const candidate = (type: string, address: string): ProbeCandidate => ({
  type,
  protocol: 'udp',
  address,
  port: 5000,
});

describe('localAddressFamilies', () => {
  it('says IPv6 only for a phone behind NAT64, whatever family its relay address has', () => {
    expect(
      localAddressFamilies([
        candidate('host', '2001:db8:64::2'),
        candidate('relay', '203.0.113.1'),
      ]),
    ).toEqual(['ipv6']);
  });

  it('lists both families of a dual-stack side, IPv4 first', () => {
    expect(
      localAddressFamilies([candidate('srflx', '2001:db8::2'), candidate('srflx', '203.0.113.9')]),
    ).toEqual(['ipv4', 'ipv6']);
  });

  it('says nothing from mDNS host names', () => {
    expect(localAddressFamilies([candidate('host', 'ab12cd.local')])).toEqual([]);
  });
});
