import { describe, expect, it } from 'vitest';
import { FAILOVER_MARGIN_MS, fieldOf, undoneWriteWindowMs } from './failover-window.js';
import { redisLinkDefaults } from './redis-options.js';

describe('the window in which a failover may undo a write', () => {
  it('on a Cluster: two node timeouts, a slot map refresh and the margin', () => {
    expect(undoneWriteWindowMs({ kind: 'cluster', nodeTimeoutMs: 15_000 }, redisLinkDefaults)).toBe(
      30_000 + redisLinkDefaults.slotsRefreshMs + FAILOVER_MARGIN_MS,
    );
  });

  it('behind Sentinel: the time to agree a primary is down, a reconnection and the margin', () => {
    expect(undoneWriteWindowMs({ kind: 'sentinel', downAfterMs: 30_000 }, redisLinkDefaults)).toBe(
      30_000 + redisLinkDefaults.maxReconnectDelayMs + FAILOVER_MARGIN_MS,
    );
  });
});

describe('fieldOf', () => {
  it('reads a number after its name in a flat answer', () => {
    expect(fieldOf(['cluster-node-timeout', '15000'], 'cluster-node-timeout')).toBe(15_000);
    expect(
      fieldOf(['name', 'mymaster', 'down-after-milliseconds', '1000'], 'down-after-milliseconds'),
    ).toBe(1_000);
  });

  it('answers null for an answer that does not hold it', () => {
    expect(fieldOf([], 'cluster-node-timeout')).toBeNull();
    expect(fieldOf('OK', 'cluster-node-timeout')).toBeNull();
    expect(fieldOf(['cluster-node-timeout', 'soon'], 'cluster-node-timeout')).toBeNull();
    // A value that happens to be the name is not the name.
    expect(fieldOf(['other', 'cluster-node-timeout', 'x', '1'], 'cluster-node-timeout')).toBeNull();
  });
});
