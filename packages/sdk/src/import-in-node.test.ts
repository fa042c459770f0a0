import { describe, expect, it } from 'vitest';

describe('importing the SDK where there is no window', () => {
  it('does not throw and exposes the API', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const sdk = await import('./index.js');
    expect(typeof sdk.joinRoom).toBe('function');
    expect(typeof sdk.IcelaneError).toBe('function');
    expect(sdk.joinDefaults.strategy).toBe('auto');
  });

  it('rejects a join to an unreachable server with signaling-failed within the timeout', async () => {
    const { joinRoom } = await import('./index.js');
    const started = Date.now();
    // Port 1 on loopback: nothing listens, the connection is refused at once and retried.
    const joining = joinRoom('http://127.0.0.1:1', 'room', { signalingTimeoutMs: 800 });
    await expect(joining).rejects.toMatchObject({ name: 'IcelaneError', code: 'signaling-failed' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('rejects bad options before connecting', async () => {
    const { joinRoom } = await import('./index.js');
    await expect(joinRoom('http://127.0.0.1:1', '', {})).rejects.toMatchObject({
      code: 'invalid-options',
    });
  });
});
