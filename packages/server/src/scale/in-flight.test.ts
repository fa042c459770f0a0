import { describe, expect, it } from 'vitest';
import { inFlight } from './in-flight.js';

/** Tasks that each wait for their own `settle`, counting how many run at once. */
function heldTasks() {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const pending = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  const task = (item: number) => {
    started.push(item);
    most = Math.max(most, ++running);
    return new Promise<number>((resolve, reject) => {
      pending.set(item, { resolve, reject });
    }).finally(() => running--);
  };
  const settle = async (item: number, error?: Error) => {
    const held = pending.get(item)!;
    if (error) held.reject(error);
    else held.resolve(item * 10);
    // The worker's next task starts a microtask or two later.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { task, settle, started, most: () => most, running: () => running };
}

describe('inFlight', () => {
  it('runs at most `limit` tasks at once, in order, and answers their results in order', async () => {
    const held = heldTasks();
    const all = inFlight([0, 1, 2, 3, 4], 2, held.task);
    await Promise.resolve();
    expect(held.started).toEqual([0, 1]);
    await held.settle(1);
    expect(held.started).toEqual([0, 1, 2]);
    for (const item of [0, 2, 3, 4]) await held.settle(item);
    expect(await all).toEqual([0, 10, 20, 30, 40]);
    expect(held.most()).toBe(2);
  });

  it('starts nothing after a failure, and rejects once the tasks under way have settled', async () => {
    const held = heldTasks();
    let outcome: unknown = 'pending';
    const all = inFlight([0, 1, 2, 3], 2, held.task).catch((error: unknown) => (outcome = error));
    await Promise.resolve();
    const refused = new Error('refused');
    await held.settle(0, refused);
    expect(held.started).toEqual([0, 1]);
    expect(outcome).toBe('pending');
    await held.settle(1);
    await all;
    expect(outcome).toBe(refused);
    expect(held.started).toEqual([0, 1]);
  });

  it('answers at once for no items', async () => {
    expect(await inFlight([], 4, () => Promise.resolve(1))).toEqual([]);
  });
});
