import { describe, expect, it } from 'vitest';
import type { IceConfig } from '@icelane/protocol';
import { attemptLimit, planAttempt } from './ice-plan.js';

const stun = { urls: 'stun:203.0.113.1:3478' };
const turn = {
  urls: ['turn:203.0.113.1:3478?transport=udp', 'turn:203.0.113.1:3478?transport=tcp'],
  username: '1700000000:abc',
  credential: 'c2VjcmV0',
};
const ice: IceConfig = { iceServers: [stun, turn], expiresAt: 1, turn: true, policy: 'all' };
const auto = { strategy: 'auto' as const, turnOnDemand: false };

describe('attempt plans', () => {
  it('auto: STUN+TURN with policy all first, then TURN only with policy relay', () => {
    expect(planAttempt(auto, ice, 1)).toEqual({
      attempt: 1,
      policy: 'all',
      iceServers: [stun, turn],
      turn: true,
      expectRelay: false,
    });
    expect(planAttempt(auto, ice, 2)).toEqual({
      attempt: 2,
      policy: 'relay',
      iceServers: [turn],
      turn: true,
      expectRelay: true,
    });
  });

  it('relay: TURN only from attempt 1', () => {
    expect(planAttempt({ ...auto, strategy: 'relay' }, ice, 1)).toMatchObject({
      policy: 'relay',
      iceServers: [turn],
      expectRelay: true,
    });
  });

  it('direct: never TURN and a single attempt', () => {
    expect(planAttempt({ ...auto, strategy: 'direct' }, ice, 1)).toMatchObject({
      policy: 'all',
      iceServers: [stun],
      turn: false,
    });
    expect(attemptLimit('direct', 3)).toBe(1);
    expect(attemptLimit('auto', 3)).toBe(3);
  });

  it('turn on demand: STUN only first, then relay', () => {
    const onDemand = { ...auto, turnOnDemand: true };
    expect(planAttempt(onDemand, ice, 1)).toMatchObject({
      policy: 'all',
      iceServers: [stun],
      turn: false,
    });
    expect(planAttempt(onDemand, ice, 2)).toMatchObject({ policy: 'relay', iceServers: [turn] });
  });

  it("honours the server's recommended policy unless the app overrides it", () => {
    const relayFirst: IceConfig = { ...ice, policy: 'relay' };
    expect(planAttempt(auto, relayFirst, 1).policy).toBe('relay');
    expect(planAttempt({ ...auto, policy: 'all' }, relayFirst, 1).policy).toBe('all');
    expect(planAttempt({ ...auto, policy: 'relay' }, ice, 1).policy).toBe('relay');
  });

  it('expects a relay candidate on a relay attempt even when the server has no TURN', () => {
    const stunOnly: IceConfig = { iceServers: [stun], expiresAt: null, turn: false, policy: 'all' };
    expect(planAttempt(auto, stunOnly, 2)).toMatchObject({
      iceServers: [],
      turn: false,
      expectRelay: true,
    });
  });

  describe("a network's remembered first path", () => {
    const onDemand = { ...auto, turnOnDemand: true };

    it('turn: TURN on demand takes TURN into attempt 1 where STUN alone failed before', () => {
      expect(planAttempt({ ...onDemand, firstPath: 'turn' }, ice, 1)).toMatchObject({
        policy: 'all',
        iceServers: [stun, turn],
        turn: true,
      });
    });

    it('relay: attempt 1 is relay-only where STUN + TURN under policy all failed before', () => {
      for (const options of [auto, onDemand]) {
        expect(planAttempt({ ...options, firstPath: 'relay' }, ice, 1)).toMatchObject({
          policy: 'relay',
          iceServers: [turn],
          expectRelay: true,
        });
      }
    });

    it('changes nothing without TURN servers, nor for the relay and direct strategies', () => {
      const stunOnly: IceConfig = { ...ice, iceServers: [stun], turn: false };
      expect(planAttempt({ ...onDemand, firstPath: 'relay' }, stunOnly, 1)).toMatchObject({
        policy: 'all',
        iceServers: [stun],
      });
      const direct = { ...auto, strategy: 'direct' as const, firstPath: 'relay' as const };
      expect(planAttempt(direct, ice, 1)).toMatchObject({ policy: 'all', iceServers: [stun] });
    });
  });
});
