import { describe, expect, it } from 'vitest';
import { IcelaneError } from './errors.js';
import { signalingTarget } from './signaling.js';

describe('signalingTarget', () => {
  it('takes the URL path as where the server is mounted, not as a socket.io namespace', () => {
    expect(signalingTarget('https://app.example/rtc')).toEqual({
      uri: 'https://app.example',
      path: '/rtc/socket.io',
    });
    expect(signalingTarget('https://app.example/a/b/')).toEqual({
      uri: 'https://app.example',
      path: '/a/b/socket.io',
    });
  });

  it("is socket.io's default path for a URL without one, and keeps the port and query", () => {
    expect(signalingTarget('http://127.0.0.1:8080')).toEqual({
      uri: 'http://127.0.0.1:8080',
      path: '/socket.io',
    });
    expect(signalingTarget('http://host:81/?tenant=a')).toEqual({
      uri: 'http://host:81?tenant=a',
      path: '/socket.io',
    });
  });

  it('refuses what is not a URL with invalid-options', () => {
    expect(() => signalingTarget('not a url')).toThrow(IcelaneError);
    expect(() => signalingTarget('not a url')).toThrow(/url is not a URL/);
  });
});
