/**
 * Peers whose connection this node saw end, remembered for a short while with their resume proof.
 * A client that rejoins after the server noticed its drop (its own probe closed a connection that
 * still worked, or a TCP reset arrived first) would otherwise join as a stranger: the others keep
 * the call under the old id with no way to tell it is the same peer. Within the window, its token
 * still says which id it was (`peer:joined { rejoinOf }`); the room already heard `peer:left`.
 *
 * On several nodes the memory is shared through Redis (scale/redis-departed.ts), so the rejoin
 * may reach any node.
 */
import type { Peer } from './rooms.js';
import { resumeProofOf } from './resume-proof.js';

/** More than any honest client needs: a flood of disconnects cannot grow it without bound. */
const MAX_REMEMBERED = 10_000;

export interface DepartedPeers {
  /** `peer`'s connection ended without a leave: its token stays good for the window. */
  remember(peer: Peer): void;
  /**
   * Whether `peerId` of `room` departed within the window under this resume proof; a match is
   * spent, like a token.
   */
  take(room: string, peerId: string, proof: string): Promise<boolean>;
}

export function departedPeers(windowMs: number, now: () => number): DepartedPeers {
  // In insertion order, which is expiry order: the oldest go first.
  const departed = new Map<string, { proof: string; until: number }>();
  const keyOf = (room: string, peerId: string) => `${room}\n${peerId}`;
  const prune = (at: number) => {
    for (const [key, entry] of departed) {
      if (entry.until > at && departed.size < MAX_REMEMBERED) return;
      departed.delete(key);
    }
  };
  return {
    remember(peer) {
      const proof = windowMs > 0 ? resumeProofOf(peer) : undefined;
      if (proof === undefined) return;
      const at = now();
      prune(at);
      departed.set(keyOf(peer.room, peer.peerId), {
        proof,
        until: at + windowMs,
      });
    },
    take(room, peerId, proof) {
      const key = keyOf(room, peerId);
      const entry = departed.get(key);
      if (!entry || entry.proof !== proof) return Promise.resolve(false);
      departed.delete(key);
      return Promise.resolve(entry.until > now());
    },
  };
}
