import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';
import { trustNobody, trustedProxyList } from './ip-address.js';

const proxy = trustedProxyList(['10.0.0.0/8', '192.0.2.10']);

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted: a client could write anything there', () => {
    const headers = { 'x-forwarded-for': '198.51.100.7' };
    expect(clientAddress(headers, '203.0.113.5', trustNobody)).toBe('203.0.113.5');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (issue 14, defect 9)', () => {
    const headers = { 'x-forwarded-for': '198.51.100.7' };
    expect(clientAddress(headers, '203.0.113.5', proxy)).toBe('203.0.113.5');
    expect(clientAddress(headers, '::ffff:203.0.113.5', proxy)).toBe('203.0.113.5');
  });

  it('takes the entry the trusted proxy appended, not what the client wrote before it', () => {
    const headers = { 'x-forwarded-for': '10.9.9.9, 100.64.0.7' };
    expect(clientAddress(headers, '10.0.0.2', proxy)).toBe('100.64.0.7');
    expect(clientAddress(headers, '::ffff:10.0.0.2', proxy)).toBe('100.64.0.7');
  });

  it('walks back through a chain of trusted proxies to the first address that is not one', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 100.64.0.7, 192.0.2.10' };
    expect(clientAddress(headers, '10.0.0.2', proxy)).toBe('100.64.0.7');
  });

  it('falls back to the leftmost entry, or the socket, when there are fewer hops', () => {
    expect(clientAddress({ 'x-forwarded-for': '10.1.1.1' }, '10.0.0.2', proxy)).toBe('10.1.1.1');
    expect(clientAddress({}, '10.0.0.2', proxy)).toBe('10.0.0.2');
    expect(clientAddress({}, undefined, trustNobody)).toBe('unknown');
  });
});
