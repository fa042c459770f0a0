/**
 * Nodes of a version before the slot-safe key layout (`room:<room>` and a `beats` hash, where
 * this version has `room:{<room>}` and `{nodes}:beats`) may still run on the same Redis during an
 * upgrade. The two layouts do not see each other's rooms: a room split across them has two caps,
 * and its peers may hear of each other without being able to signal. This node cannot repair
 * that; it says so once, so the operator finishes the upgrade (restart every node on this
 * version; see the server README).
 */
import type { Logger } from '../observability/logger.js';
import type { RedisLink } from './redis-link.js';

export interface LegacyLayoutOptions {
  keyPrefix: string;
  /** A heartbeat of an earlier node younger than this means the node still runs. */
  livenessMs: number;
  /** How often to look again until one is seen (an earlier node may start after this one). */
  checkEveryMs: number;
}

/**
 * Looks for live nodes of the earlier layout at each start of the link and every
 * `checkEveryMs` until it finds one, and then logs one warning. Returns the function that stops it.
 */
export function watchLegacyLayout(
  link: RedisLink,
  logger: Logger,
  o: LegacyLayoutOptions,
): () => void {
  const beats = `${o.keyPrefix}beats`;
  let warned = false;
  const check = async () => {
    if (!link.available()) return;
    try {
      const [stamps, [seconds, micros]] = await Promise.all([
        link.commands.hvals(beats),
        link.commands.time() as Promise<[string | number, string | number]>,
      ]);
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const live = stamps.filter((stamp) => now - Number(stamp) <= o.livenessMs).length;
      // Tested after the round trip: a check at a start of the link may overlap a timed one.
      if (live === 0 || warned) return;
      warned = true;
      clearInterval(timer);
      logger.warn('redis shared with nodes of an earlier icelane version', {
        nodes: live,
        consequence:
          'they and this node do not see each other rooms: a room split between them has two ' +
          'caps and its peers cannot signal across; restart every node on this version',
      });
    } catch {
      // Redis away or failing over: the next check looks again.
    }
  };
  const timer = setInterval(() => void check(), o.checkEveryMs);
  timer.unref();
  link.onReady(() => void check());
  return () => clearInterval(timer);
}
