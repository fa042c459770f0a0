/**
 * The names of the keys the nodes share, each with a hash tag (the part in braces, which alone
 * picks a key's Redis Cluster slot): everything of one room on the room's slot, a node's list of
 * its peers on the node's slot, and the nodes' heartbeats together on one slot. Every script and
 * transaction then touches one slot, as a Redis Cluster requires.
 */

/**
 * A hash tag for a name clients choose: braces in it would end the tag early, so it is percent
 * encoded (two names never share an encoding).
 */
export function slotTag(name: string): string {
  return `{${encodeURIComponent(name)}}`;
}

export interface RosterKeys {
  /** The room's hash of peers. */
  room(room: string): string;
  /** A node's hash of its peers, peer id → room. */
  nodePeers(nodeId: string): string;
  /** The `{nodes}` slot's keys, in the order the heartbeat script takes them. */
  nodes: [beats: string, clock: string, set: string, dead: string];
  /** The channel on which a node hears that a rejoin elsewhere replaced one of its peers. */
  evicted: string;
}

export function rosterKeys(prefix: string): RosterKeys {
  const nodes = (part: string) => `${prefix}{nodes}:${part}`;
  return {
    room: (room) => `${prefix}room:${slotTag(room)}`,
    nodePeers: (nodeId) => `${prefix}node:${slotTag(nodeId)}:peers`,
    nodes: [nodes('beats'), nodes('clock'), nodes('set'), nodes('dead')],
    evicted: `${prefix}evicted`,
  };
}

/** A departed peer's key, on its room's slot. */
export function departedKey(prefix: string, room: string, peerId: string): string {
  // JSON keeps "a" + "b:c" apart from "a:b" + "c".
  return `${prefix}departed:${slotTag(room)}:${JSON.stringify([room, peerId])}`;
}
