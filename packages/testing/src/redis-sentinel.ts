/**
 * A real primary with replicas behind Sentinel for one test file, every one a `redis-server`
 * process on free loopback ports, the sentinels' config files in a temporary directory. The
 * primary can be killed (SIGKILL); the sentinels then agree it is down (`downAfterMs`) and promote
 * a replica. Every process is stopped by PID and the directory removed by `stop`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { eventually } from './redis-nodes.js';
import {
  infoFields,
  redisCli,
  redisProcessGroup,
  replicasCaughtUp,
  type RedisProcess,
} from './redis-process.js';

export interface RedisSentinelOptions {
  replicas: number;
  sentinels: number;
  /** The name the sentinels monitor the primary under. */
  masterName: string;
  /** `down-after-milliseconds`: how long the primary may not answer before it counts as down. */
  downAfterMs: number;
  readyTimeoutMs: number;
}

export const redisSentinelDefaults: RedisSentinelOptions = {
  replicas: 2,
  sentinels: 3,
  masterName: 'mymaster',
  downAfterMs: 1_000,
  readyTimeoutMs: 30_000,
};

export interface RedisSentinel {
  /** The primary and the replicas, in start order (the first was the primary at start). */
  servers: RedisProcess[];
  sentinels: RedisProcess[];
  /** `host:port,...` of the sentinels, for `REDIS_SENTINELS`. */
  sentinelList: string;
  masterName: string;
  /** The port of the primary the sentinels name now. */
  primaryPort(): Promise<number>;
  /** Kills (SIGKILL) the current primary; answers its port. */
  killPrimary(): Promise<number>;
  /** Resolves once the sentinels name a live primary other than `oldPort`. */
  failedOver(oldPort: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startRedisSentinel(
  options: Partial<RedisSentinelOptions> = {},
): Promise<RedisSentinel> {
  const o = { ...redisSentinelDefaults, ...options };
  const group = await redisProcessGroup('redis-sentinel');
  const { dir } = group;
  const servers: RedisProcess[] = [];
  const sentinels: RedisProcess[] = [];
  const stop = () => group.stop();
  const primaryPort = async () => {
    const live = sentinels.find((sentinel) => sentinel.running())!;
    const answer = await redisCli(live.port, 'sentinel', 'get-master-addr-by-name', o.masterName);
    return Number(answer.split('\n')[1]);
  };

  try {
    const primary = await group.startServer();
    const first = primary.port;
    servers.push(primary);
    for (let i = 0; i < o.replicas; i++) {
      servers.push(await group.startServer(() => ['--replicaof', '127.0.0.1', String(first)]));
    }
    await replicasCaughtUp(first, o.replicas, o.readyTimeoutMs);
    for (let i = 0; i < o.sentinels; i++) {
      const port = await freePort();
      const file = join(dir, `sentinel-${port}.conf`);
      // Sentinel rewrites its own config file as it learns the topology: one file each.
      await writeFile(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${o.masterName} 127.0.0.1 ${first} ${Math.floor(o.sentinels / 2) + 1}`,
          `sentinel down-after-milliseconds ${o.masterName} ${o.downAfterMs}`,
          `sentinel failover-timeout ${o.masterName} ${10 * o.downAfterMs}`,
          `sentinel parallel-syncs ${o.masterName} ${o.replicas}`,
          '',
        ].join('\n'),
      );
      sentinels.push(await group.start(port, [file, '--sentinel']));
    }
    // Every sentinel knows the replicas and the other sentinels, so it can vote and promote.
    await eventually(
      async () => {
        for (const sentinel of sentinels) {
          const text = await redisCli(sentinel.port, 'sentinel', 'master', o.masterName);
          const fields = text.split('\n');
          const at = (name: string) => Number(fields[fields.indexOf(name) + 1]);
          if (at('num-slaves') < o.replicas || at('num-other-sentinels') < o.sentinels - 1) {
            return false;
          }
        }
        return true;
      },
      'the sentinels know each other and the replicas',
      o.readyTimeoutMs,
    );
    const failedOver = async (oldPort: number, timeoutMs = o.readyTimeoutMs) => {
      let port = oldPort;
      await eventually(
        async () => {
          port = await primaryPort();
          const server = servers.find((s) => s.port === port);
          if (port === oldPort || !server?.running()) return false;
          return infoFields(await redisCli(port, 'info', 'replication')).role === 'master';
        },
        'a replica promoted',
        timeoutMs,
      );
      return port;
    };
    return {
      servers,
      sentinels,
      sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      masterName: o.masterName,
      primaryPort,
      killPrimary: async () => {
        const port = await primaryPort();
        // A replica behind the primary would be promoted without its latest writes.
        const replicas = servers.filter((server) => server.running()).length - 1;
        await replicasCaughtUp(port, replicas, o.readyTimeoutMs);
        await servers.find((server) => server.port === port)!.kill();
        return port;
      },
      failedOver,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
