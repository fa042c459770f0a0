/**
 * What a Redis Cluster did, summed over its nodes, read from INFO: the commands run (by name),
 * the bytes in and out of the data port (clients and replication), and the messages sent on the
 * cluster bus (where a classic PUBLISH travels to every other node).
 */
import { infoFields, redisCli, type RedisCluster } from '@icelane/testing';

export interface RedisCounters {
  /** Calls by command name, e.g. `evalsha`, `publish`, `spublish`. */
  calls: Record<string, number>;
  bytes: number;
  busMessages: number;
}

export async function readCounters(cluster: RedisCluster): Promise<RedisCounters> {
  const calls: Record<string, number> = {};
  let bytes = 0;
  let busMessages = 0;
  for (const node of cluster.nodes.filter((n) => n.running())) {
    const stats = await redisCli(node.port, 'info', 'commandstats');
    for (const [, name, count] of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      calls[name!] = (calls[name!] ?? 0) + Number(count);
    }
    const info = infoFields(await redisCli(node.port, 'info', 'stats'));
    bytes += Number(info.total_net_input_bytes) + Number(info.total_net_output_bytes);
    const cluster = infoFields(await redisCli(node.port, 'cluster', 'info'));
    busMessages += Number(cluster.cluster_stats_messages_sent);
  }
  return { calls, bytes, busMessages };
}

/** `after - before`, less `idle` (counters of the same length of time with no traffic). */
export function difference(
  after: RedisCounters,
  before: RedisCounters,
  idle?: RedisCounters,
): RedisCounters {
  const calls: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.calls)) {
    const value = count - (before.calls[name] ?? 0) - (idle?.calls[name] ?? 0);
    if (value > 0) calls[name] = value;
  }
  return {
    calls,
    bytes: after.bytes - before.bytes - (idle?.bytes ?? 0),
    busMessages: after.busMessages - before.busMessages - (idle?.busMessages ?? 0),
  };
}

/** The counters scaled by `factor` (an idle rate stretched over a phase's length). */
export function scaled(counters: RedisCounters, factor: number): RedisCounters {
  return {
    calls: Object.fromEntries(Object.entries(counters.calls).map(([k, v]) => [k, v * factor])),
    bytes: counters.bytes * factor,
    busMessages: counters.busMessages * factor,
  };
}

export function totalCalls(counters: RedisCounters): number {
  return Object.values(counters.calls).reduce((sum, count) => sum + count, 0);
}
