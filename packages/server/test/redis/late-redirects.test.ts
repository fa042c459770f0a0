/**
 * The node's command client on a real Redis Cluster whose slot moves to another primary while a
 * command waits on the old one (a primary that hung, `CLIENT PAUSE`, while a failover or an
 * operator moved its slots). Once the old primary answers MOVED, following it would run the
 * command on the new owner after everything this client sent there since it learnt of the move:
 * a room entry written back after the leave that cleared it. Commands that waited there with nothing
 * sent to the new owner after them are still redirected, in the order they were sent.
 */
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, redisCli, startRedisCluster, type RedisCluster } from '@icelane/testing';
import { loadRedisClient } from '../../src/scale/load-redis.js';
import { createRedisClients, type RedisClients } from '../../src/scale/redis-clients.js';
import { redisLinkDefaults } from '../../src/scale/redis-options.js';
import { clusterTarget } from './in-process-nodes.js';
import { giveSlot } from './slot-moves.js';

/** The command waits this long on the paused primary before the client gives up on it. */
const COMMAND_TIMEOUT_MS = 20_000;
/** How long the old primary holds its writes: longer than the test needs, shorter than its bound. */
const PAUSE_MS = 15_000;

let cluster: RedisCluster;
let clients: RedisClients;
let commands: Cluster;
let primaries: number[];

beforeAll(async () => {
  cluster = await startRedisCluster({ replicas: 0 });
  primaries = (await cluster.topology()).filter((n) => n.primary).map((n) => n.port);
  clients = createRedisClients(
    await loadRedisClient(),
    clusterTarget(cluster),
    // The slot map is refreshed when the test says, not on a timer.
    { ...redisLinkDefaults, commandTimeoutMs: COMMAND_TIMEOUT_MS, slotsRefreshMs: 600_000 },
    false,
  );
  commands = clients.commands as Cluster;
  await eventually(() => commands.status === 'ready', 'the client ready');
}, 60_000);

afterAll(async () => {
  clients?.commands.disconnect();
  clients?.subscriber.disconnect();
  await cluster?.stop();
});

/**
 * A fresh key, its slot, the primary serving it and another one. The client has written the key
 * once and deleted it: it has sent the slot's commands to that primary before the test starts.
 */
async function keyToMove(): Promise<{ key: string; slot: string; from: number; to: number }> {
  const key = `late-redirect:${Math.random().toString(36).slice(2)}`;
  const from = await cluster.primaryOf(key);
  const to = primaries.find((port) => port !== from)!;
  const slot = (await redisCli(from, 'cluster', 'keyslot', key)).trim();
  await commands.hset(key, 'known', '1');
  await commands.del(key);
  return { key, slot, from, to };
}

/**
 * Runs `meanwhile` while the `port` primary holds every write (as one that hung), and lets it go
 * after, whatever happened; resolves with what `meanwhile` did. The commands it sends there wait
 * until then: it hands their promises back inside an object, as a promise it resolved with would
 * be waited for before the primary is let go.
 */
async function whileWritesHeld<T extends object>(
  port: number,
  meanwhile: () => Promise<T>,
): Promise<T> {
  await redisCli(port, 'client', 'pause', String(PAUSE_MS), 'write');
  try {
    return await meanwhile();
  } finally {
    await redisCli(port, 'client', 'unpause');
  }
}

/** Gives `slot` to the `to` primary, and waits until the `from` primary has learnt it. */
async function moveSlot(slot: string, from: number, to: number): Promise<void> {
  await giveSlot(to, slot);
  await eventually(async () => {
    const nodes = (await redisCli(from, 'cluster', 'nodes')).split('\n');
    const self = nodes.find((line) => line.includes('myself'));
    return self !== undefined && !ownsSlot(self, Number(slot));
  }, 'the old primary knows the slot moved');
}

/** Whether a CLUSTER NODES line lists `slot` among its node's slot ranges. */
function ownsSlot(line: string, slot: number): boolean {
  return line
    .split(' ')
    .slice(8)
    .some((range) => {
      const [first, last = first] = range.split('-').map(Number);
      return first !== undefined && last !== undefined && slot >= first && slot <= last;
    });
}

async function refreshUntilServedBy(slot: string, port: number): Promise<void> {
  await eventually(async () => {
    await new Promise<void>((resolve) => commands.refreshSlotsCache(() => resolve()));
    return commands.slots[Number(slot)]?.[0] === `127.0.0.1:${port}`;
  }, 'the client learnt the new owner');
}

it('fails a write that waited on the old primary once this client has written to the new one', async () => {
  const { key, slot, from, to } = await keyToMove();

  const { late } = await whileWritesHeld(from, async () => {
    const late = commands.hset(key, 'late', '1').catch((error: unknown) => error);
    await moveSlot(slot, from, to);
    await refreshUntilServedBy(slot, to);
    // Sent after the move was learnt: straight to the new owner.
    expect(await commands.hset(key, 'after', '1')).toBe(1);
    return { late };
  });

  expect(await late).toMatchObject({ message: expect.stringMatching(/^MOVED /) });
  expect((await redisCli(to, 'hkeys', key)).split('\n').filter(Boolean)).toEqual(['after']);
}, 60_000);

it('follows a move it meets first', async () => {
  const { key, slot, from, to } = await keyToMove();

  // The client still sends the slot's commands to the old primary, which answers MOVED.
  await moveSlot(slot, from, to);
  expect(commands.slots[Number(slot)]?.[0]).toBe(`127.0.0.1:${from}`);
  expect(await commands.hset(key, 'moved', '1')).toBe(1);
  expect((await redisCli(to, 'hkeys', key)).split('\n').filter(Boolean)).toEqual(['moved']);
}, 60_000);

it('follows the move for every command that waited on the old primary, in the order they were sent', async () => {
  const { key, slot, from, to } = await keyToMove();

  const { waiting } = await whileWritesHeld(from, async () => {
    // Both wait on the old primary; the first one's redirection teaches the client the move.
    const waiting = [commands.rpush(key, 'first'), commands.rpush(key, 'second')];
    await moveSlot(slot, from, to);
    return { waiting };
  });

  expect(await Promise.all(waiting)).toEqual([1, 2]);
  expect((await redisCli(to, 'lrange', key, '0', '-1')).split('\n').filter(Boolean)).toEqual([
    'first',
    'second',
  ]);
}, 60_000);
