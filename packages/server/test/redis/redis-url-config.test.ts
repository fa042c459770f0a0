/**
 * `REDIS_URL` in the configuration: listed by `--help`, off when unset, refused with a clear
 * message that never echoes the value (it may hold a password), and its password redacted.
 */
import { describe, expect, it } from 'vitest';
import { helpText, readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/env-reader.js';

describe('REDIS_URL', () => {
  it('is listed by --help', () => {
    expect(helpText()).toMatch(/Several nodes[^\n]*:\n {2}REDIS_URL\n/);
  });

  it('is off when unset or empty: one node', () => {
    expect(readConfig({}).redisUrl).toBeNull();
    expect(readConfig({ REDIS_URL: '  ' }).redisUrl).toBeNull();
  });

  it('takes a redis:// or rediss:// URL and hands its password to the redaction list', () => {
    const config = readConfig({ REDIS_URL: 'rediss://app:p%40ss-word-9@redis.internal:6380/2' });
    expect(config.redisUrl).toBe('rediss://app:p%40ss-word-9@redis.internal:6380/2');
    expect(config.secrets).toEqual(expect.arrayContaining(['p%40ss-word-9', 'p@ss-word-9']));
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe(
      'redis://127.0.0.1:6379',
    );
  });

  it('refuses anything else, naming the variable and not the value', () => {
    for (const value of [
      'http://:hunter22@redis:6379',
      'cache.example:6379',
      'redis://:pw1234@[bad-host',
    ]) {
      let error: unknown;
      try {
        readConfig({ REDIS_URL: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/^REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/);
      expect(message).not.toContain(value);
    }
  });
});
