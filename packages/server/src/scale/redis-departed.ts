/**
 * The departed peers of every node (signaling/departed.ts), through Redis: a client whose drop
 * one node saw may rejoin through another. Each departure is a key that expires with its window;
 * a rejoin takes it only when the proof matches, so a forged token cannot spend a real one, and
 * spends it by leaving a mark in its place. This node's own memory answers first, and alone while
 * Redis is away.
 *
 * Replication is asynchronous: a failover may lose a departure a primary acknowledged (the
 * rejoin through another node would then be a stranger's, its room not told whose rejoin it is),
 * or a spend (the token good once more). So the node keeps what it wrote until it expires, and
 * writes it again after every outage or failover, as the roster does its peers: a departure only
 * where nothing is (never over a spend), a spend over anything.
 */
import { departedPeers, type DepartedPeers } from '../signaling/departed.js';
import { inFlight, RESYNC_IN_FLIGHT } from './in-flight.js';
import type { RedisLink } from './redis-link.js';
import { FAILOVER_SETTLE_MS, FIRST_RETRY_MS, resyncSchedule } from './resync-schedule.js';
import { departedKey } from './roster-keys.js';

/** What a spent departure's key holds until it expires: never a proof (a SHA-256, base64url). */
const SPENT = 'spent';
/** As many as signaling/departed.ts remembers: a flood of disconnects cannot grow it unbounded. */
const WRITTEN_KEPT = 10_000;
/** A write-again that fails is retried, twice as late each time, up to this. */
const MAX_RETRY_MS = 2_500;

/** Marks the key spent (for the rest of its life) and answers 1 only when it held the proof. */
const TAKE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl) else redis.call('DEL', KEYS[1]) end
return 1
`;

export function redisDeparted(
  link: RedisLink,
  keyPrefix: string,
  windowMs: number,
  now: () => number,
): DepartedPeers {
  const local = departedPeers(windowMs, now);
  const redis = link.commands;
  const keyOf = (room: string, peerId: string) => departedKey(keyPrefix, room, peerId);
  const failed = (error: unknown) => link.commandFailed(error);
  // Key → what this node wrote there (a proof, or SPENT) and until when it stands.
  const written = new Map<string, { value: string; until: number }>();

  const write = (key: string, value: string, lifeMs: number) =>
    value === SPENT
      ? redis.set(key, SPENT, 'PX', lifeMs)
      : redis.set(key, value, 'PX', lifeMs, 'NX');
  /** `value` written at `key` (by `send`, when Redis is there), and kept to be written again. */
  const record = (key: string, value: string, send: boolean) => {
    written.delete(key);
    written.set(key, { value, until: now() + windowMs });
    if (written.size > WRITTEN_KEPT) written.delete(written.keys().next().value!);
    if (send && link.available()) write(key, value, windowMs).catch(failed);
  };

  const writeAgain = async () => {
    const at = now();
    for (const [key, { until }] of written) if (until <= at) written.delete(key);
    await inFlight([...written], RESYNC_IN_FLIGHT, ([key, { value, until }]) =>
      write(key, value, Math.max(1, until - at)),
    );
  };
  const schedule = resyncSchedule(writeAgain, link.available, {
    settleMs: FAILOVER_SETTLE_MS,
    firstRetryMs: FIRST_RETRY_MS,
    maxRetryMs: MAX_RETRY_MS,
  });
  if (windowMs > 0) {
    link.onReady(() => schedule.now());
    link.onMoved(() => schedule.soon());
  }

  return {
    remember(peer) {
      local.remember(peer);
      if (windowMs <= 0 || peer.resumeProof === undefined) return;
      record(keyOf(peer.room, peer.peerId), peer.resumeProof, true);
    },
    async take(room, peerId, proof) {
      const key = keyOf(room, peerId);
      if (await local.take(room, peerId, proof)) {
        // Spent here: not again through another node.
        record(key, SPENT, true);
        return true;
      }
      if (!link.available()) return false;
      try {
        const taken = (await redis.eval(TAKE, 1, key, proof, SPENT)) === 1;
        if (taken) record(key, SPENT, false);
        return taken;
      } catch (error) {
        failed(error);
        return false;
      }
    },
  };
}
