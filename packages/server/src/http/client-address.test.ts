import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted: a client could write anything there', () => {
    expect(clientAddress({ 'x-forwarded-for': '198.51.100.7' }, '203.0.113.5', 0)).toBe(
      '203.0.113.5',
    );
  });

  it('takes the entry the trusted proxy appended, not what the client wrote before it', () => {
    const headers = { 'x-forwarded-for': '10.9.9.9, 100.64.0.7' };
    expect(clientAddress(headers, '203.0.113.1', 1)).toBe('100.64.0.7');
    expect(clientAddress(headers, '203.0.113.1', 2)).toBe('10.9.9.9');
  });

  it('falls back to the leftmost entry, or the socket, when there are fewer hops', () => {
    expect(clientAddress({ 'x-forwarded-for': '100.64.0.7' }, '203.0.113.1', 3)).toBe('100.64.0.7');
    expect(clientAddress({}, '203.0.113.1', 1)).toBe('203.0.113.1');
    expect(clientAddress({}, undefined, 0)).toBe('unknown');
  });
});
