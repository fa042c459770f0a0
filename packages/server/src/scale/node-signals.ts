/**
 * Signals for a peer on another node, carried through Redis to that node alone, and confirmed.
 * Each node listens on a channel of its own; the receiving node hands the signal to its socket
 * and publishes an acknowledgement on the sender's channel, and only then is the signal answered
 * `delivered`. The socket.io adapter's broadcast cannot tell (it publishes without waiting), so
 * during a failover a signal published to the failed primary, or before the receiver's node had
 * subscribed again, was lost while its sender heard `delivered`. A publish's count of listeners
 * alone is not enough either: behind Sentinel a node's subscription is moved at the new primary's
 * announcement, and what Redis had written to the connection it drops is never read (measured:
 * 3 signals counted and lost in one failover). Unconfirmed, the sender hears `unavailable`.
 */
import type { SignalMessage } from '@icelane/protocol';
import type { Logger } from '../observability/logger.js';
import type { DeliverSignal } from '../signaling/roster.js';
import type { RedisLink } from './redis-link.js';
import { slotTag } from './roster-keys.js';

export interface NodeSignals {
  /**
   * Carries `message` to `socketId` on node `nodeId`. Resolves `true` once that node
   * acknowledged it; `false` when Redis is away, the publish failed, the node was not listening
   * (gone, or subscribing again after a failover), or no acknowledgement came within the wait.
   * Never rejects.
   */
  send(nodeId: string, socketId: string, message: SignalMessage): Promise<boolean>;
  close(): void;
}

export interface NodeSignalsDeps {
  link: RedisLink;
  /** The key prefix; the channels are `<prefix>signal:{<node id>}`. */
  prefix: string;
  /** This node's id, as the roster stores it beside its peers. */
  nodeId: string;
  deliver: DeliverSignal;
  logger: Logger;
  /** How long a signal waits for its acknowledgement: a command's timeout. */
  ackTimeoutMs: number;
}

/** The channel node `nodeId` hears its signals on, on the node's slot. */
export function signalChannel(prefix: string, nodeId: string): string {
  return `${prefix}signal:${slotTag(nodeId)}`;
}

/** On the wire: a signal (`s`, its id, the node to acknowledge, the socket, the message) or an acknowledgement (`a`, the id). */
type Carried = ['s', number, string, string, SignalMessage] | ['a', number];

export function nodeSignals(deps: NodeSignalsDeps): NodeSignals {
  const { link, prefix, nodeId, deliver, logger, ackTimeoutMs } = deps;
  const own = signalChannel(prefix, nodeId);
  // A sharded channel lives on its slot's primary, where its node subscribes; on a Cluster with
  // the classic adapter the channels are plain ones, which every Redis node passes on.
  const sharded = link.cluster && link.sharded;
  const publish = (channel: string, payload: string): Promise<unknown> =>
    sharded ? link.commands.spublish(channel, payload) : link.commands.publish(channel, payload);
  const waiting = new Map<number, (acknowledged: boolean) => void>();
  let lastId = 0;

  const onMessage = (channel: string, raw: string) => {
    if (channel !== own) return;
    const carried = parseCarried(raw);
    if (!carried) return logger.debug('malformed cross-node signal dropped', { channel });
    if (carried[0] === 'a') return waiting.get(carried[1])?.(true);
    const [, id, replyTo, socketId, message] = carried;
    deliver(socketId, message);
    publish(signalChannel(prefix, replyTo), JSON.stringify(['a', id])).catch(() => {});
  };
  const event = sharded ? 'smessage' : 'message';
  link.subscriber.on(event, onMessage);
  // The subscriber renews its subscriptions after every reconnection and failover.
  void (sharded ? link.subscriber.ssubscribe(own) : link.subscriber.subscribe(own)).catch(() => {});

  return {
    async send(toNode, socketId, message) {
      const id = ++lastId;
      const acknowledged = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => settle(false), ackTimeoutMs);
        const settle = (ok: boolean) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(ok);
        };
        waiting.set(id, settle);
      });
      // Tried even while the link counts as down: commands fail fast then, and a Cluster whose
      // other shards answer still carries a signal whose channel is on one of them.
      const payload = JSON.stringify(['s', id, nodeId, socketId, message] satisfies Carried);
      try {
        const listeners = await publish(signalChannel(prefix, toNode), payload);
        // Nobody listens: no need to wait. (A plain PUBLISH on a Cluster counts the listeners of
        // the one Redis node it reached, so there only the acknowledgement tells.)
        if (Number(listeners) === 0 && (sharded || !link.cluster)) {
          logger.debug('cross-node signal not carried: its node does not listen', { node: toNode });
          waiting.get(id)?.(false);
        }
      } catch (error) {
        logger.debug('cross-node signal not carried', { node: toNode, error });
        waiting.get(id)?.(false);
      }
      return acknowledged;
    },
    close() {
      link.subscriber.off(event, onMessage);
      for (const settle of [...waiting.values()]) settle(false);
    },
  };
}

function parseCarried(raw: string): Carried | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value) || typeof value[1] !== 'number') return null;
    if (value[0] === 'a' && value.length === 2) return value as Carried;
    const message = value[4] as SignalMessage | null;
    return value[0] === 's' &&
      value.length === 5 &&
      typeof value[2] === 'string' &&
      typeof value[3] === 'string' &&
      message !== null &&
      typeof message === 'object' &&
      typeof message.from === 'string'
      ? (value as Carried)
      : null;
  } catch {
    return null;
  }
}
