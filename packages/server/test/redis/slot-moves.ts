/**
 * A slot moved to another primary of a real Cluster, as a resharding or a failover would.
 */
import { redisCli } from '@icelane/testing';

/**
 * Gives `slot` to the primary at `to`. It takes the Cluster's greatest config epoch first, then
 * claims the slot, so its claim wins at once. In the other order its claim was gossiped with its
 * old epoch: when that was below the owner's, the owner answered with an UPDATE that gave the slot
 * back, and the move never happened: 10 failed of 12 with 0.7 s between the two commands (a
 * loaded machine's redis-cli spawns), none of 12 in this order.
 */
export async function giveSlot(to: number, slot: string): Promise<void> {
  const toId = (await redisCli(to, 'cluster', 'myid')).trim();
  await redisCli(to, 'cluster', 'bumpepoch');
  await redisCli(to, 'cluster', 'setslot', slot, 'node', toId);
}
