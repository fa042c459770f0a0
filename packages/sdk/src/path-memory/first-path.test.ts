import { describe, expect, it } from 'vitest';
import { memoryOutgrown, pathAfterFailure } from './first-path.js';

describe('what a call teaches the memory', () => {
  it('TURN on demand: attempt 1 without TURN failed, so TURN goes into attempt 1', () => {
    for (const reason of ['checks-silent', 'ice-failed', 'timeout'] as const) {
      expect(pathAfterFailure({ policy: 'all', turn: false, reason })).toBe('turn');
    }
  });

  it('auto: attempt 1 with TURN under policy all failed, so relay goes first', () => {
    expect(pathAfterFailure({ policy: 'all', turn: true, reason: 'ice-failed' })).toBe('relay');
  });

  it('learns nothing from refused credentials, a lost live call, or a relay that failed', () => {
    expect(pathAfterFailure({ policy: 'all', turn: true, reason: 'turn-auth' })).toBeUndefined();
    expect(pathAfterFailure({ policy: 'all', turn: false, reason: 'path-lost' })).toBeUndefined();
    expect(pathAfterFailure({ policy: 'relay', turn: true, reason: 'timeout' })).toBeUndefined();
  });

  it('drops a remembered TURN path once a call with TURN offered picked a direct pair', () => {
    expect(memoryOutgrown('turn', false)).toBe(true);
    expect(memoryOutgrown('turn', true)).toBe(false);
    // Relay-only connections are always relayed: they cannot tell.
    expect(memoryOutgrown('relay', true)).toBe(false);
    expect(memoryOutgrown(undefined, false)).toBe(false);
  });
});
