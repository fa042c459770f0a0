import { EventEmitter } from 'node:events';
import type { Cluster } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  onPrimariesMoved,
  primariesBySlot,
  type PrimariesWatchOptions,
} from './cluster-primaries.js';

const o: PrimariesWatchOptions = { lostNodeRefreshMs: 250, lostNodeWatchMs: 1_000 };

/** What the watch uses of an ioredis Cluster: its slot map, its events and a refresh. */
function fakeCluster() {
  const emitter = new EventEmitter();
  const slots: string[][] = [];
  const serve = (first: number, last: number, ...nodes: string[]) => {
    for (let slot = first; slot <= last; slot++) slots[slot] = nodes;
  };
  const refreshSlotsCache = vi.fn();
  const cluster = Object.assign(emitter, { slots, refreshSlotsCache }) as unknown as Cluster;
  return { cluster, serve, refreshSlotsCache, emit: emitter.emit.bind(emitter) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('primaries by slot', () => {
  it('names the primary of each range of slots, not its replicas', () => {
    const slots: string[][] = [];
    for (let slot = 0; slot < 16_384; slot++) {
      slots[slot] = slot < 8_000 ? ['a:1', 'b:1'] : ['c:1', slot % 2 ? 'd:1' : 'e:1'];
    }
    expect(primariesBySlot(slots)).toBe('0=a:1 8000=c:1');
  });
});

describe('primaries moved', () => {
  it('says so once per refresh that finds a slot served by another primary, not at the first', () => {
    const fake = fakeCluster();
    const moved = vi.fn();
    onPrimariesMoved(fake.cluster, moved, o);
    fake.serve(0, 16_383, 'a:1', 'b:1');
    fake.emit('refresh');
    fake.serve(0, 16_383, 'a:1', 'c:1');
    fake.emit('refresh');
    expect(moved).not.toHaveBeenCalled();
    fake.serve(0, 99, 'b:1');
    fake.emit('refresh');
    fake.emit('refresh');
    expect(moved).toHaveBeenCalledTimes(1);
  });

  it('reads the slot map often after a node is lost, until it moved or for the window', () => {
    const fake = fakeCluster();
    const moved = vi.fn();
    onPrimariesMoved(fake.cluster, moved, o);
    fake.serve(0, 16_383, 'a:1');
    fake.emit('refresh');
    fake.emit('-node');
    vi.advanceTimersByTime(3 * o.lostNodeRefreshMs);
    expect(fake.refreshSlotsCache).toHaveBeenCalledTimes(3);
    fake.serve(0, 16_383, 'b:1');
    fake.emit('refresh');
    vi.advanceTimersByTime(10 * o.lostNodeRefreshMs);
    expect(fake.refreshSlotsCache).toHaveBeenCalledTimes(3);
    expect(moved).toHaveBeenCalledTimes(1);

    // Nothing moves this time: the quick reading stops at the end of the window.
    fake.emit('-node');
    vi.advanceTimersByTime(10 * o.lostNodeWatchMs);
    expect(fake.refreshSlotsCache).toHaveBeenCalledTimes(
      3 + o.lostNodeWatchMs / o.lostNodeRefreshMs,
    );
  });

  it('stops watching when told to', () => {
    const fake = fakeCluster();
    const moved = vi.fn();
    const stop = onPrimariesMoved(fake.cluster, moved, o);
    fake.serve(0, 16_383, 'a:1');
    fake.emit('refresh');
    fake.emit('-node');
    stop();
    fake.serve(0, 16_383, 'b:1');
    fake.emit('refresh');
    vi.advanceTimersByTime(o.lostNodeWatchMs);
    expect(moved).not.toHaveBeenCalled();
    expect(fake.refreshSlotsCache).not.toHaveBeenCalled();
  });
});
