/**
 * The join goes out before the room exists (simple-peer's chunk may still be loading), and
 * socket.io drops a server event that has no listener: a third peer's `peer:joined` or offer
 * arriving in between would be lost. Every server event is held from before the join and
 * handed, in order, to the room's listeners once the app holds the room.
 */
import type { SignalingSocket } from './signaling.js';

export interface HeldEvents {
  /**
   * Call once the room listens: what was held reaches its listeners after the current task (the
   * app's `await joinRoom` has the room and its own listeners by then), or at the next server
   * event, whichever comes first, so that event is never handled before the older ones.
   */
  releaseToRoom(): void;
  /** Stops holding; what was held is never delivered (the join failed). */
  drop(): void;
}

export function holdServerEvents(socket: SignalingSocket): HeldEvents {
  const held: unknown[][] = [];
  let roomListens = false;
  // socket.io calls "any" listeners before an event's own, so a newer event releases the older.
  const hold = (...event: unknown[]) => (roomListens ? release() : held.push(event));
  const drop = () => void socket.offAny(hold);
  const release = () => {
    drop();
    for (const [event, ...args] of held.splice(0)) {
      for (const listener of socket.listeners(event as 'signal')) {
        (listener as (...args: unknown[]) => void)(...args);
      }
    }
  };
  socket.onAny(hold);
  return {
    releaseToRoom() {
      roomListens = true;
      setTimeout(release, 0);
    },
    drop,
  };
}
