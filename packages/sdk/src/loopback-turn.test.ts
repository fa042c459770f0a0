import { describe, expect, it } from 'vitest';
import { connectFailedError, type FailedAttempt } from './errors.js';
import { LOOPBACK_TURN_CAUSE, isLoopbackTurnOnly } from './loopback-turn.js';

const LOOPBACK_TURN = [
  { urls: 'stun:127.0.0.1:3478' },
  {
    urls: ['turn:127.0.0.1:3478', 'turn:[::1]:3478?transport=tcp'],
    username: 'u',
    credential: 'c',
  },
];
const PUBLIC_TURN = [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'c' }];

const relayAttempt = (types: FailedAttempt['localCandidateTypes']): FailedAttempt => ({
  attempt: 2,
  policy: 'relay',
  turn: true,
  reason: 'ice-failed',
  localCandidateTypes: types,
});

describe('a relay call through a TURN server on loopback', () => {
  it('is named when relay candidates came from TURN servers all on loopback', () => {
    expect(isLoopbackTurnOnly([relayAttempt(['relay'])], LOOPBACK_TURN)).toBe(true);
    const error = connectFailedError('p1', [relayAttempt(['relay'])], LOOPBACK_TURN);
    expect(error.details).toMatchObject({ cause: LOOPBACK_TURN_CAUSE.code });
    expect(error.message).toMatch(/; cause: every TURN server is on loopback/);
    expect(error.message).toContain('--allow-loopback-peers');
  });

  it('is not named for a TURN server elsewhere, one loopback URL among others, or no relay', () => {
    expect(isLoopbackTurnOnly([relayAttempt(['relay'])], PUBLIC_TURN)).toBe(false);
    expect(isLoopbackTurnOnly([relayAttempt(['relay'])], [...LOOPBACK_TURN, ...PUBLIC_TURN])).toBe(
      false,
    );
    expect(isLoopbackTurnOnly([relayAttempt([])], LOOPBACK_TURN)).toBe(false);
    expect(isLoopbackTurnOnly([relayAttempt(['relay'])], [{ urls: 'stun:127.0.0.1' }])).toBe(false);
    const error = connectFailedError('p1', [relayAttempt(['relay'])], PUBLIC_TURN);
    expect(error.details).not.toHaveProperty('cause');
  });
});
