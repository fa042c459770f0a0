/**
 * A node's resync writes its peers again with a bounded number of commands in flight
 * (scale/in-flight.ts), so it lasts many round trips instead of one burst: a peer that leaves
 * while it runs must not be written back by it (a ghost every newcomer of its room is told of),
 * and one that joins meanwhile is neither cleared nor announced gone. On a real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@icelane/testing';
import { silentLogger } from '../../src/observability/logger.js';
import { RESYNC_IN_FLIGHT } from '../../src/scale/in-flight.js';
import type { RedisClient } from '../../src/scale/redis-clients.js';
import { connectRedis, type RedisLink } from '../../src/scale/redis-link.js';
import { redisRosterDefaults } from '../../src/scale/redis-options.js';
import { rosterKeys } from '../../src/scale/roster-keys.js';
import { rosterLiveness } from '../../src/scale/roster-liveness.js';
import { storedEntry } from '../../src/scale/stored-peer.js';
import { RoomRegistry, type Peer } from '../../src/signaling/rooms.js';

/** Many times the commands in flight: the resync takes a good many round trips. */
const PEERS = 8 * RESYNC_IN_FLIGHT;
const keys = rosterKeys('resync-test:');
const options = { ...redisRosterDefaults, keyPrefix: 'resync-test:', nodeId: 'node-a' };
const ownList = keys.nodePeers(options.nodeId);

let redis: RedisServer;
let link: RedisLink;

beforeAll(async () => {
  redis = await startRedis();
  link = await connectRedis({ kind: 'single', url: redis.url }, silentLogger);
  await new Promise<void>((resolve) => link.onReady(resolve));
});

afterAll(async () => {
  await link?.close();
  await redis?.stop();
});

const peer = (name: string): Peer => ({
  peerId: name,
  room: `room-${name}`,
  socketId: `socket-${name}`,
  sessionId: name,
});

/** `link`, whose commands call `onListWrite` before each write to the node's list of peers. */
function watchingListWrites(onListWrite: (count: number) => void): RedisLink {
  let count = 0;
  const commands = new Proxy(link.commands, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'hset') return value.bind(target) as unknown;
      return (key: string, ...rest: string[]) => {
        if (key === ownList) onListWrite(++count);
        return target.hset(key, ...rest);
      };
    },
  }) as RedisClient;
  return { ...link, commands };
}

describe('a resync of many peers', () => {
  it('writes back no peer that left while it ran, and clears no peer that joined meanwhile', async () => {
    const registry = new RoomRegistry();
    for (let i = 0; i < PEERS; i++) registry.add(peer(`p${i}`));
    const leaver = registry.get(`p${PEERS - 1}`)!;
    const joiner = peer('joiner');
    const redisNow = link.commands;
    const gone: string[] = [];
    // The joiner's claim is under way: listed already, in the registry only once it is answered.
    // The resync reads the list before it comes in, and takes it for a peer that left.
    await redisNow.hset(ownList, joiner.peerId, joiner.room);
    let resync: Promise<unknown> | undefined;
    const started = new Promise<void>((resolve) => {
      const liveness = rosterLiveness({
        // Early in the resync, before it has come to them, one peer leaves and another joins,
        // as the roster's leave and claim do: the registry first, the commands at once.
        link: watchingListWrites((count) => {
          if (count !== RESYNC_IN_FLIGHT / 2) return;
          registry.remove(leaver.peerId);
          void redisNow.hdel(keys.room(leaver.room), leaver.peerId);
          void redisNow.hdel(ownList, leaver.peerId);
          registry.add(joiner);
          void redisNow.hset(keys.room(joiner.room), joiner.peerId, storedEntry(joiner, 'node-a'));
        }),
        registry,
        onGone: (_room, peerId) => gone.push(peerId),
        keys,
        options,
        // The first work handed over is the resync at start (Redis is ready already).
        track: (work) => {
          if (resync) return;
          resync = work;
          void work.finally(() => liveness.stop());
          resolve();
        },
      });
    });
    await started;
    await resync;

    expect(await redisNow.hexists(keys.room(leaver.room), leaver.peerId)).toBe(0);
    expect(await redisNow.hexists(ownList, leaver.peerId)).toBe(0);
    expect(await redisNow.hexists(keys.room(joiner.room), joiner.peerId)).toBe(1);
    expect(await redisNow.hlen(ownList)).toBe(PEERS);
    expect(gone).toEqual([]);
  });
});
