/**
 * The departed peers of every node (signaling/departed.ts), through Redis: a client whose drop
 * one node saw may rejoin through another. Each departure is a key that expires with its window;
 * a rejoin takes it only when the proof matches, so a forged token cannot spend a real one. This
 * node's own memory answers first, and alone while Redis is away.
 */
import { departedPeers, type DepartedPeers } from '../signaling/departed.js';
import type { RedisLink } from './redis-link.js';
import { departedKey } from './roster-keys.js';

/** Deletes the key and answers 1 only when it holds the proof. */
const TAKE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
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
  return {
    remember(peer) {
      local.remember(peer);
      if (windowMs <= 0 || peer.resumeProof === undefined || !link.available()) return;
      redis.set(keyOf(peer.room, peer.peerId), peer.resumeProof, 'PX', windowMs).catch(failed);
    },
    async take(room, peerId, proof) {
      const key = keyOf(room, peerId);
      if (await local.take(room, peerId, proof)) {
        // Spent here: not again through another node.
        if (link.available()) redis.del(key).catch(failed);
        return true;
      }
      if (!link.available()) return false;
      try {
        return (await redis.eval(TAKE, 1, key, proof)) === 1;
      } catch (error) {
        failed(error);
        return false;
      }
    },
  };
}
