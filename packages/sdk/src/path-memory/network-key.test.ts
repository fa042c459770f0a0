import { describe, expect, it } from 'vitest';
import { networkKey } from './network-key.js';

describe("a network's key", () => {
  it('is the same for the same public address, and differs between addresses', () => {
    expect(networkKey('203.0.113.11')).toBe(networkKey('203.0.113.11'));
    expect(networkKey('203.0.113.11')).not.toBe(networkKey('203.0.113.12'));
    expect(networkKey('2001:DB8::1')).toBe(networkKey('2001:db8::1'));
  });

  it('is 64 bits of hex, not the address', () => {
    expect(networkKey('203.0.113.11')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('spreads a whole /16 without collisions', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 65_536; i++) keys.add(networkKey(`198.51.${i >> 8}.${i & 255}`));
    expect(keys.size).toBe(65_536);
  });
});
