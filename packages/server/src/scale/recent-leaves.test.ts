import { describe, expect, it } from 'vitest';
import { recentLeaves } from './recent-leaves.js';

describe('recent leaves', () => {
  it('remembers each peer’s last leave, and forgets those older than the window', () => {
    let now = 0;
    const leaves = recentLeaves(1_000, 10, () => now);
    leaves.add('alice', 'room-1');
    now = 500;
    leaves.add('bob', 'room-1');
    leaves.add('alice', 'room-2');
    expect(leaves.all()).toEqual([
      ['bob', 'room-1'],
      ['alice', 'room-2'],
    ]);
    now = 1_499;
    leaves.forgetOld();
    expect(leaves.all()).toHaveLength(2);
    now = 1_500;
    leaves.forgetOld();
    expect(leaves.all()).toEqual([]);
    expect(leaves.roomOf('alice')).toBeUndefined();
  });

  it('forgets the oldest once it holds as many as it may', () => {
    const leaves = recentLeaves(1_000, 2, () => 0);
    leaves.add('alice', 'room');
    leaves.add('bob', 'room');
    leaves.add('carol', 'room');
    expect(leaves.all().map(([peerId]) => peerId)).toEqual(['bob', 'carol']);
    expect(leaves.roomOf('carol')).toBe('room');
  });

  it('forgets by the window it was last given', () => {
    let now = 0;
    const leaves = recentLeaves(1_000, 10, () => now);
    leaves.add('alice', 'room');
    leaves.setWindow(5_000);
    now = 4_999;
    leaves.forgetOld();
    expect(leaves.roomOf('alice')).toBe('room');
    now = 5_000;
    leaves.forgetOld();
    expect(leaves.all()).toEqual([]);
  });
});
