/**
 * Keeps the signaling connection coming back: socket.io reconnects by itself after a network
 * drop, but not after the server disconnected it, which is what a server does when it shuts
 * down (after announcing `server:shutdown`). Then this reconnects once the announced delay has
 * passed, with jitter so a whole room does not return at the same instant.
 */
import type { SignalingState } from './events.js';
import type { SignalingSocket } from './signaling.js';

export interface ReconnectHandlers {
  state(state: SignalingState): void;
  /** Connected again after a drop: the room must be joined again. */
  reconnected(): void;
}

export interface ReconnectWatch {
  stop(): void;
}

/** The longest announced delay honoured; a larger one is capped. */
const MAX_RECONNECT_AFTER_MS = 60_000;

export function keepReconnecting(
  socket: SignalingSocket,
  handlers: ReconnectHandlers,
): ReconnectWatch {
  let reconnectAfterMs: number | undefined;
  let dropped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const onShutdown = (notice: { reconnectAfterMs?: unknown }) => {
    const delay = Number(notice?.reconnectAfterMs);
    reconnectAfterMs = Number.isFinite(delay)
      ? Math.min(Math.max(0, delay), MAX_RECONNECT_AFTER_MS)
      : 1_000;
  };
  const onDisconnect = (reason: string) => {
    if (stopped) return;
    dropped = true;
    if (reason === 'io server disconnect' && reconnectAfterMs !== undefined) {
      const delay = reconnectAfterMs * (1 + Math.random());
      reconnectAfterMs = undefined;
      timer = setTimeout(() => {
        if (!stopped) socket.connect();
      }, delay);
      handlers.state('reconnecting');
      return;
    }
    handlers.state(socket.active ? 'reconnecting' : 'disconnected');
  };
  const onConnect = () => {
    if (stopped || !dropped) return;
    dropped = false;
    handlers.reconnected();
  };

  socket.on('server:shutdown', onShutdown);
  socket.on('disconnect', onDisconnect);
  socket.on('connect', onConnect);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      socket.off('server:shutdown', onShutdown);
      socket.off('disconnect', onDisconnect);
      socket.off('connect', onConnect);
    },
  };
}
