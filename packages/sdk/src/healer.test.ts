import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Healer, recoveryLadder, type HealerDeps, type RecoveryStep } from './healer.js';

function healer(ladder: RecoveryStep[] = recoveryLadder('all', true)) {
  const calls: string[] = [];
  const deps: HealerDeps = {
    restartTimeoutMs: () => 4_000,
    flapWindowMs: 30_000,
    retryGapMs: 1_000,
    ladder: () => ladder,
    lastHeardAt: () => Date.now() - 1_000,
    restart: (step, cause) => calls.push(`restart ${step} (${cause})`),
    replace: (cause) => calls.push(`replace (${cause})`),
    reconnecting: (on) => calls.push(on ? 'reconnecting' : 'connected'),
    recovered: ({ cause, step, gapMs }) => calls.push(`recovered ${cause} by ${step} in ${gapMs}`),
  };
  return { healer: new Healer(deps), calls };
}

describe('the healer of a live call', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(100_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('has three rungs under policy all with TURN, two otherwise', () => {
    expect(recoveryLadder('all', true)).toEqual([
      'ice-restart',
      'ice-restart-relay',
      'new-connection',
    ]);
    expect(recoveryLadder('all', false)).toEqual(['ice-restart', 'new-connection']);
    expect(recoveryLadder('relay', true)).toEqual(['ice-restart', 'new-connection']);
  });

  it('restarts ICE and, once the far side is heard, says how long the gap was', async () => {
    const { healer: h, calls } = healer();
    h.trouble('path-lost');
    await vi.advanceTimersByTimeAsync(700);
    h.heardAgain();
    expect(calls).toEqual([
      'reconnecting',
      'restart ice-restart (path-lost)',
      'connected',
      // The gap counts from when the far side was last heard, a second before the trouble.
      'recovered path-lost by ice-restart in 1700',
    ]);
    expect(h.healing).toBe(false);
  });

  it('climbs to a relay-only restart, then to a new connection, one rung per restart timeout', async () => {
    const { healer: h, calls } = healer();
    h.trouble('path-lost');
    h.trouble('ice-failed'); // one incident at a time
    await vi.advanceTimersByTimeAsync(4_000);
    expect(calls.at(-1)).toBe('restart ice-restart-relay (path-lost)');
    await vi.advanceTimersByTimeAsync(4_000);
    expect(calls.slice(1)).toEqual([
      'restart ice-restart (path-lost)',
      'restart ice-restart-relay (path-lost)',
      'replace (path-lost)',
    ]);
    expect(h.healing).toBe(false);
  });

  it('heals any number of incidents: each has its own budget', async () => {
    const { healer: h, calls } = healer();
    for (let i = 0; i < 3; i++) {
      h.trouble('path-lost');
      h.heardAgain();
      await vi.advanceTimersByTimeAsync(60_000);
    }
    expect(calls.filter((c) => c.startsWith('restart'))).toEqual([
      'restart ice-restart (path-lost)',
      'restart ice-restart (path-lost)',
      'restart ice-restart (path-lost)',
    ]);
    expect(calls).not.toContain('replace (path-lost)');
  });

  it('starts one rung higher when the path dies again soon after it was healed', async () => {
    const { healer: h, calls } = healer();
    h.trouble('path-lost');
    h.heardAgain();
    await vi.advanceTimersByTimeAsync(5_000);
    h.trouble('path-lost');
    expect(calls.at(-1)).toBe('restart ice-restart-relay (path-lost)');
  });

  it('restarts for the far side without an incident of its own when it hears the far side', async () => {
    const { healer: h, calls } = healer();
    h.remoteAsked('ice-restart');
    h.remoteAsked('ice-restart'); // too soon: the first may still be on its way
    expect(calls).toEqual(['restart ice-restart (path-lost)']);
    expect(h.healing).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    h.remoteAsked('ice-restart-relay');
    expect(calls.at(-1)).toBe('restart ice-restart-relay (path-lost)');
    // Nothing to end here, and nothing climbs on its own.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls).toHaveLength(2);
  });

  it('ignores a request that crossed its newer offer, unless that offer is old', async () => {
    const { healer: h, calls } = healer();
    h.trouble('path-lost');
    h.remoteAsked('ice-restart', true);
    expect(calls.filter((c) => c.startsWith('restart'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_999);
    h.heardAgain();
    await vi.advanceTimersByTimeAsync(1_000);
    h.remoteAsked('ice-restart', true);
    expect(calls.filter((c) => c.startsWith('restart'))).toHaveLength(2);
  });

  it('follows the far side up the ladder in an incident, and tries a rung again when asked twice', async () => {
    const { healer: h, calls } = healer();
    h.trouble('path-lost');
    h.remoteAsked('ice-restart'); // too soon: the first may still be on its way
    await vi.advanceTimersByTimeAsync(1_000);
    h.remoteAsked('ice-restart');
    h.remoteAsked('ice-restart-relay');
    expect(calls.slice(1)).toEqual([
      'restart ice-restart (path-lost)',
      'restart ice-restart (path-lost)',
      'restart ice-restart-relay (path-lost)',
    ]);
  });

  it('an incident right after a restart for the far side rides on it', () => {
    const { healer: h, calls } = healer();
    h.remoteAsked('ice-restart');
    h.trouble('path-lost');
    expect(calls).toEqual(['restart ice-restart (path-lost)', 'reconnecting']);
    expect(h.healing).toBe(true);
  });

  it('tries the current rung again at once when signaling comes back', () => {
    const { healer: h, calls } = healer();
    h.trouble('network-change');
    h.retry(true);
    expect(calls.filter((c) => c.startsWith('restart'))).toHaveLength(2);
  });

  it('moves a healthy call onto fresh credentials without an incident', () => {
    const { healer: h, calls } = healer();
    h.refreshPath();
    expect(calls).toEqual(['restart ice-restart (credentials-expiring)']);
    expect(h.healing).toBe(false);
  });

  it('does nothing once stopped', async () => {
    const { healer: h, calls } = healer();
    h.trouble('path-lost');
    h.stop();
    await vi.advanceTimersByTimeAsync(20_000);
    h.trouble('path-lost');
    h.heardAgain();
    expect(calls).toEqual(['reconnecting', 'restart ice-restart (path-lost)']);
  });
});
