/**
 * The join is answered before the room exists (simple-peer's chunk may still be loading), and
 * socket.io drops a server event that has no listener: a third peer's `peer:joined` or offer
 * arriving in between would be lost. Every server event after the join's answer (`room:joined`),
 * and the connection's drops and returns, are held and handed, in order, to the room's listeners
 * once the app holds the room. Set it before the connection opens.
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
  // Held from the join's answer on: before it, a drop is the join's own (joinAnswer waits for
  // the next connection's answer), not one the room must rejoin after.
  let answered = false;
  // socket.io calls "any" listeners before an event's own, so a newer event releases the older.
  const hold = (...event: unknown[]) => {
    if (!answered) answered = event[0] === 'room:joined';
    else if (roomListens) release();
    else held.push(event);
  };
  // The connection's own events too: a drop while simple-peer loads must reach the room's
  // reconnect watch, or the room would never rejoin once socket.io is connected again.
  const holdDisconnect = (...args: unknown[]) => answered && hold('disconnect', ...args);
  const holdConnect = () => answered && hold('connect');
  const drop = () => {
    socket.offAny(hold);
    socket.off('disconnect', holdDisconnect);
    socket.off('connect', holdConnect);
  };
  const release = () => {
    drop();
    for (const [event, ...args] of held.splice(0)) {
      for (const listener of socket.listeners(event as 'signal')) {
        try {
          (listener as (...args: unknown[]) => void)(...args);
        } catch (error) {
          // As socket.io would: reported, and the other listeners and events still delivered.
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
  };
  socket.onAny(hold);
  socket.on('disconnect', holdDisconnect);
  socket.on('connect', holdConnect);
  return {
    releaseToRoom() {
      roomListens = true;
      setTimeout(release, 0);
    },
    drop,
  };
}
