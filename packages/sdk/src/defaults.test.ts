import { describe, expect, it } from 'vitest';
import { joinDefaults, resolveJoinOptions } from './defaults.js';
import { IcelaneError } from './errors.js';

describe('join options', () => {
  it('are the defaults when nothing is given', () => {
    expect(resolveJoinOptions()).toEqual(joinDefaults);
    expect(joinDefaults).toMatchObject({ strategy: 'auto', maxAttempts: 2, dataChannel: true });
  });

  it('take what the app sets over the defaults, and ignore undefined', () => {
    const options = resolveJoinOptions({
      strategy: 'relay',
      connectTimeoutMs: 3_000,
      maxAttempts: undefined,
    });
    expect(options.strategy).toBe('relay');
    expect(options.connectTimeoutMs).toBe(3_000);
    expect(options.maxAttempts).toBe(joinDefaults.maxAttempts);
    expect(options.reportToServer).toBe(true);
  });

  it.each([
    [{ strategy: 'p2p' }, 'strategy must be one of auto, relay, direct'],
    [{ policy: 'none' }, 'policy must be one of all, relay'],
    [{ maxAttempts: 0 }, 'maxAttempts must be an integer from 1 to 10'],
    [{ maxAttempts: 1.5 }, 'maxAttempts must be an integer from 1 to 10'],
    [{ connectTimeoutMs: -1 }, 'connectTimeoutMs must be a positive number of milliseconds'],
    [{ checksSilentMs: Number.NaN }, 'checksSilentMs must be a positive number of milliseconds'],
    [{ name: 42 }, 'name must be a string'],
    [{ media: {} }, 'media must be a MediaStream or null'],
  ])('reject %o with an invalid-options error naming the option', (bad, message) => {
    let caught: unknown;
    try {
      resolveJoinOptions(bad as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IcelaneError);
    expect(caught).toMatchObject({ code: 'invalid-options', message });
  });

  it('accept media null', () => {
    expect(resolveJoinOptions({ media: null }).media).toBeNull();
  });
});
