import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MappingBehaviour } from './classify.js';
import {
  NETWORK_SIGNAL,
  NETWORK_WAIT_MS,
  NetworkHint,
  firstAttemptNeedsTurn,
  parseNetworkSignal,
} from './network-hint.js';

afterEach(() => vi.useRealTimers());

describe('TURN on demand told by the network checks', () => {
  it('includes TURN in attempt 1 when either side is endpoint-dependent, only then', () => {
    const all: MappingBehaviour[] = ['endpoint-independent', 'endpoint-dependent', 'unknown'];
    for (const local of all) {
      for (const remote of all) {
        const dependent = local === 'endpoint-dependent' || remote === 'endpoint-dependent';
        expect(firstAttemptNeedsTurn(local, remote)).toBe(dependent);
      }
    }
  });

  it('reads anything but a known mapping as unknown', () => {
    expect(parseNetworkSignal({ type: NETWORK_SIGNAL, mapping: 'endpoint-dependent' })).toBe(
      'endpoint-dependent',
    );
    expect(parseNetworkSignal({ type: NETWORK_SIGNAL, mapping: 'constructor' })).toBe('unknown');
    expect(parseNetworkSignal({ type: NETWORK_SIGNAL })).toBe('unknown');
  });

  it('sends its own mapping first as the offerer, and plans once it has heard the far side', async () => {
    const sent: unknown[] = [];
    const own = Promise.resolve<MappingBehaviour>('endpoint-independent');
    const hint = new NetworkHint(own, true, (data) => sent.push(data));
    const ready = vi.fn();
    hint.whenReady(ready);
    await Promise.resolve();
    expect(sent).toEqual([{ type: NETWORK_SIGNAL, mapping: 'endpoint-independent' }]);
    expect(ready).not.toHaveBeenCalled();
    hint.heard('endpoint-dependent');
    expect(ready).toHaveBeenCalledOnce();
    expect(hint.needsTurn).toBe(true);
  });

  it('plans at once behind a symmetric NAT, its own mapping sent before anything else', async () => {
    const sent: unknown[] = [];
    const own = Promise.resolve<MappingBehaviour>('endpoint-dependent');
    const hint = new NetworkHint(own, true, (data) => sent.push(data));
    const ready = vi.fn(() => expect(sent).toHaveLength(1));
    hint.whenReady(ready);
    await Promise.resolve();
    expect(sent).toEqual([{ type: NETWORK_SIGNAL, mapping: 'endpoint-dependent' }]);
    expect(ready).toHaveBeenCalledOnce();
    expect(hint.needsTurn).toBe(true);
    hint.heard('endpoint-independent');
    expect(ready).toHaveBeenCalledOnce();
  });

  it('as the answerer behind a symmetric NAT, plans at once but still replies only once it has heard', async () => {
    const sent: unknown[] = [];
    const own = Promise.resolve<MappingBehaviour>('endpoint-dependent');
    const hint = new NetworkHint(own, false, (data) => sent.push(data));
    const ready = vi.fn();
    hint.whenReady(ready);
    await Promise.resolve();
    expect(ready).toHaveBeenCalledOnce();
    expect(sent).toEqual([]);
    hint.heard('endpoint-independent');
    expect(sent).toEqual([{ type: NETWORK_SIGNAL, mapping: 'endpoint-dependent' }]);
  });

  it('answers only once it has heard the offerer, so a newcomer never hears it first', async () => {
    const sent: unknown[] = [];
    const own = Promise.resolve<MappingBehaviour>('endpoint-independent');
    const hint = new NetworkHint(own, false, (data) => sent.push(data));
    const ready = vi.fn();
    hint.whenReady(ready);
    await Promise.resolve();
    expect(sent).toEqual([]);
    hint.heard('endpoint-independent');
    expect(sent).toEqual([{ type: NETWORK_SIGNAL, mapping: 'endpoint-independent' }]);
    expect(ready).toHaveBeenCalledOnce();
    expect(hint.needsTurn).toBe(false);
  });

  it('plans at once when the far side signals something else first (an older SDK)', async () => {
    const send = vi.fn();
    const hint = new NetworkHint(Promise.resolve('endpoint-dependent'), false, send);
    const ready = vi.fn();
    hint.whenReady(ready);
    await Promise.resolve();
    hint.silent();
    expect(ready).toHaveBeenCalledOnce();
    expect(send).not.toHaveBeenCalled();
    expect(hint.needsTurn).toBe(true);
  });

  it('plans as before when the far side says nothing in time', async () => {
    vi.useFakeTimers();
    const hint = new NetworkHint(Promise.resolve('endpoint-independent'), true, () => {});
    const ready = vi.fn();
    hint.whenReady(ready);
    await vi.advanceTimersByTimeAsync(NETWORK_WAIT_MS - 1);
    expect(ready).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(ready).toHaveBeenCalledOnce();
    expect(hint.needsTurn).toBe(false);
  });

  it('waits for the far side as long as the path measured since says, and hears it then', async () => {
    vi.useFakeTimers();
    let waitMs = NETWORK_WAIT_MS;
    const hint = new NetworkHint(
      Promise.resolve('endpoint-independent'),
      true,
      () => {},
      () => waitMs,
    );
    const ready = vi.fn();
    hint.whenReady(ready);
    // The probe's round trips came in: 600 ms one way on both uplinks (path-timing.ts).
    waitMs = 5_000;
    await vi.advanceTimersByTimeAsync(3_000);
    hint.heard('endpoint-dependent');
    expect(ready).toHaveBeenCalledOnce();
    expect(hint.needsTurn).toBe(true);
  });

  it('neither sends nor waits when TURN on demand is off', () => {
    const send = vi.fn();
    const hint = new NetworkHint(null, true, send);
    const ready = vi.fn();
    hint.whenReady(ready);
    expect(ready).toHaveBeenCalledOnce();
    expect(send).not.toHaveBeenCalled();
    expect(hint.needsTurn).toBe(false);
  });
});
