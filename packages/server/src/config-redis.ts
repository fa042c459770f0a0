/**
 * Which Redis several nodes share, from one of three variables: `REDIS_URL` (one server),
 * `REDIS_CLUSTER_NODES` (a Redis Cluster, any of its nodes) or `REDIS_SENTINELS` (with
 * `REDIS_SENTINEL_MASTER`, a primary behind Sentinel). Values are never echoed in errors: they
 * may hold a password.
 */
import type { EnvReader } from './env-reader.js';
import type { EnvName } from './env-variables.js';
import type {
  RedisAccess,
  RedisAdapterKind,
  RedisAddress,
  RedisTarget,
} from './scale/redis-options.js';

type Reader = EnvReader<EnvName>;

export interface RedisConfig {
  target: RedisTarget;
  /** `null`: sharded on a Cluster, classic otherwise. */
  adapter: RedisAdapterKind | null;
}

const LIST_HINT = 'host:port items such as 10.0.0.1:6379,10.0.0.2:6379';

export function readRedisConfig(r: Reader): RedisConfig | null {
  const set = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((name) =>
    r.isSet(name),
  );
  if (set.length > 1) {
    r.issue(
      set[1]!,
      `set one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS; ${set[0]} is set`,
    );
  }
  const adapterText = r.text('REDIS_ADAPTER');
  const adapter = adapterText === 'auto' ? null : r.choice('REDIS_ADAPTER', ['classic', 'sharded']);
  const target = readTarget(r, set[0]);
  return target && { target, adapter };
}

function readTarget(r: Reader, name: EnvName | undefined): RedisTarget | null {
  if (name === 'REDIS_URL') {
    const url = r.text('REDIS_URL');
    if (!/^rediss?:\/\//.test(url) || !URL.canParse(url)) {
      r.issue(
        'REDIS_URL',
        'expected a redis:// or rediss:// URL such as redis://redis.internal:6379',
      );
    }
    return { kind: 'single', url };
  }
  if (name === 'REDIS_CLUSTER_NODES') {
    const list = readAddressList(r, 'REDIS_CLUSTER_NODES');
    return list && { kind: 'cluster', nodes: list.addresses, ...list.access };
  }
  if (name === 'REDIS_SENTINELS') {
    const list = readAddressList(r, 'REDIS_SENTINELS');
    const masterName = r.text('REDIS_SENTINEL_MASTER');
    return list && { kind: 'sentinel', sentinels: list.addresses, masterName, ...list.access };
  }
  return null;
}

/**
 * `host:port` items, or `redis://` / `rediss://` URLs whose user, password and scheme apply to
 * every node (so one item may carry them for all; items that carry them must agree).
 */
function readAddressList(
  r: Reader,
  name: 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS',
): { addresses: RedisAddress[]; access: RedisAccess } | null {
  const items = r
    .text(name)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const parsed = items.map(parseItem);
  if (parsed.some((item) => item === null)) {
    r.issue(
      name,
      `expected ${LIST_HINT}, or redis:// URLs; ${parsed.filter((p) => !p).length} item(s) are not`,
    );
    return null;
  }
  const urls = parsed as ParsedItem[];
  const given = <K extends keyof RedisAccess>(key: K) => [
    ...new Set(urls.filter((item) => item.explicit).map((item) => item.access[key])),
  ];
  const agreed = (['username', 'password', 'tls'] as const).every((key) => given(key).length <= 1);
  if (!agreed) {
    r.issue(name, 'the items that are URLs must agree on the scheme, user and password');
    return null;
  }
  const first = urls.find((item) => item.explicit)?.access;
  return {
    addresses: urls.map((item) => item.address),
    access: first ?? { username: null, password: null, tls: false },
  };
}

interface ParsedItem {
  address: RedisAddress;
  access: RedisAccess;
  /** A URL (it states the scheme and credentials) rather than `host:port`. */
  explicit: boolean;
}

function parseItem(item: string): ParsedItem | null {
  const explicit = /^rediss?:\/\//.test(item);
  const text = explicit ? item : `redis://${item}`;
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  const port = Number(url.port);
  if (url.hostname === '' || !(port >= 1 && port <= 65_535)) return null;
  if (url.pathname !== '' && url.pathname !== '/') return null;
  return {
    address: { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port },
    access: {
      username: url.username === '' ? null : decodeURIComponent(url.username),
      password: url.password === '' ? null : decodeURIComponent(url.password),
      tls: url.protocol === 'rediss:',
    },
    explicit,
  };
}

/** The password the Redis configuration holds, raw and decoded, for the logger to redact. */
export function redisSecrets(config: RedisConfig | null): string[] {
  const target = config?.target;
  if (!target) return [];
  if (target.kind !== 'single') {
    return target.password === null ? [] : [target.password, encodeURIComponent(target.password)];
  }
  if (!URL.canParse(target.url)) return [];
  const { password } = new URL(target.url);
  return password ? [password, decodeURIComponent(password)] : [];
}
