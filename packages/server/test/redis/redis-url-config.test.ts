/**
 * `REDIS_URL`, `REDIS_CLUSTER_NODES` and `REDIS_SENTINELS` in the configuration: listed by
 * `--help`, off when unset, refused with a clear message that never echoes the value (it may hold
 * a password), and their password redacted.
 */
import { describe, expect, it } from 'vitest';
import { helpText, readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/env-reader.js';

describe('REDIS_URL', () => {
  it('is listed by --help', () => {
    expect(helpText()).toMatch(/Several nodes[^\n]*:\n {2}REDIS_URL\n/);
  });

  it('is off when unset or empty: one node', () => {
    expect(readConfig({}).redis).toBeNull();
    expect(readConfig({ REDIS_URL: '  ' }).redis).toBeNull();
  });

  it('takes a redis:// or rediss:// URL and hands its password to the redaction list', () => {
    const config = readConfig({ REDIS_URL: 'rediss://app:p%40ss-word-9@redis.internal:6380/2' });
    expect(config.redis).toEqual({
      target: { kind: 'single', url: 'rediss://app:p%40ss-word-9@redis.internal:6380/2' },
      adapter: null,
    });
    expect(config.secrets).toEqual(expect.arrayContaining(['p%40ss-word-9', 'p@ss-word-9']));
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis?.target).toEqual({
      kind: 'single',
      url: 'redis://127.0.0.1:6379',
    });
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

describe('REDIS_CLUSTER_NODES and REDIS_SENTINELS', () => {
  it('takes host:port items, one URL carrying the password and TLS for every node', () => {
    const config = readConfig({
      REDIS_CLUSTER_NODES: 'rediss://:s3cret%2Fpw@10.0.0.1:7000, 10.0.0.2:7001,[fd00::3]:7002',
    });
    expect(config.redis).toEqual({
      target: {
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: 'fd00::3', port: 7002 },
        ],
        username: null,
        password: 's3cret/pw',
        tls: true,
      },
      adapter: null,
    });
    expect(config.secrets).toEqual(expect.arrayContaining(['s3cret/pw', 's3cret%2Fpw']));
  });

  it('names the master Sentinel monitors, mymaster by default, and takes the adapter', () => {
    expect(readConfig({ REDIS_SENTINELS: 's1:26379,s2:26379' }).redis).toEqual({
      target: {
        kind: 'sentinel',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
        masterName: 'mymaster',
        username: null,
        password: null,
        tls: false,
      },
      adapter: null,
    });
    const named = readConfig({
      REDIS_SENTINELS: 's1:26379',
      REDIS_SENTINEL_MASTER: 'icelane',
      REDIS_ADAPTER: 'sharded',
    }).redis;
    expect(named).toMatchObject({ target: { masterName: 'icelane' }, adapter: 'sharded' });
  });

  it('refuses two Redis at once, a bad item, disagreeing passwords, without the values', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { REDIS_URL: 'redis://:pw-one-1@r:6379', REDIS_CLUSTER_NODES: 'r:7000' },
        /^REDIS_CLUSTER_NODES: set one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS/,
      ],
      [
        { REDIS_CLUSTER_NODES: 'r:7000,nohost-pw-two-2' },
        /^REDIS_CLUSTER_NODES: expected host:port/,
      ],
      [
        { REDIS_SENTINELS: 'redis://:pw-three-3@a:1,redis://:pw-four-4@b:2' },
        /^REDIS_SENTINELS: the items that are URLs must agree/,
      ],
      [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_ADAPTER: 'fast' }, /^REDIS_ADAPTER: expected one of/],
    ];
    for (const [env, expected] of cases) {
      let error: unknown;
      try {
        readConfig(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(expected);
      expect(message).not.toMatch(/pw-(one|two|three|four)/);
    }
  });
});
