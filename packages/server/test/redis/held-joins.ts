/**
 * A join held on its way, for the shard-fault tests: the node takes it up to its room count (its
 * authorize hook), then waits while the test makes the room's shard hang, so that the join's claim
 * is sent to a shard that holds it.
 */
import { redisCli } from '@icelane/testing';
import type { IcelaneServerDeps } from '../../src/app.js';
import { joined } from '../support/clients.js';

/** How long a shard holds a join's claim at most, while the node writes its peers again. */
export const CLAIM_HOLD_MS = 15_000;

export interface JoinGate {
  /** The node's dependencies that hold the join: pass them when starting it. */
  deps: Partial<IcelaneServerDeps>;
  /** Holds the next join; resolves once it is held. */
  holdNext: () => Promise<void>;
  release: () => void;
}

/**
 * Holds the next join on the node after its room count (in the authorize hook) until `release`:
 * the test can then make its room's shard hang just before the claim is sent.
 */
export function joinGate(): JoinGate {
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  const authorize = async () => {
    if (holding) {
      holding = false;
      reach();
      await released;
    }
    return true;
  };
  const holdNext = () => {
    holding = true;
    return reached;
  };
  return { deps: { authorize }, holdNext, release };
}

/**
 * Joins `room`, its join held before its claim until `shard` holds every write (for up to
 * `CLAIM_HOLD_MS`, or until `client unpause`): the claim then waits on the hung shard.
 */
export async function joinAsShardHangs(
  gate: JoinGate,
  url: string,
  room: string,
  shard: number,
): Promise<{ joining: ReturnType<typeof joined> }> {
  const held = gate.holdNext();
  const joining = joined(url, room);
  await held;
  await redisCli(shard, 'client', 'pause', String(CLAIM_HOLD_MS), 'write');
  gate.release();
  return { joining };
}
