/**
 * A small typed event emitter: one event map types `on`, `off` and `emit`, and `on` returns its
 * own unsubscribe function.
 */

/** A map from event name to the payload its listeners receive (an interface works). */
export type EventMap = object;

export type Listener<T> = (payload: T) => void;

/** Removes the listener it was returned for; calling it twice is harmless. */
export type Unsubscribe = () => void;

export interface Emitter<Events extends EventMap> {
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): Unsubscribe;
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void;
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
  /** How many listeners an event has. */
  listenerCount(event: keyof Events): number;
  clear(): void;
}

/**
 * @param onListenerError called when a listener throws, so one faulty listener neither stops the
 *   others nor breaks the SDK's own state handling.
 */
export function createEmitter<Events extends EventMap>(
  onListenerError: (error: unknown, event: keyof Events) => void = (error) => {
    queueMicrotask(() => {
      throw error;
    });
  },
): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();

  const off = <K extends keyof Events>(event: K, listener: Listener<Events[K]>) => {
    listeners.get(event)?.delete(listener as Listener<never>);
  };

  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => off(event, listener);
    },
    off,
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      // A copy: listeners may unsubscribe (or subscribe) while being called.
      for (const listener of [...set]) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          onListenerError(error, event);
        }
      }
    },
    listenerCount(event) {
      return listeners.get(event)?.size ?? 0;
    },
    clear() {
      listeners.clear();
    },
  };
}
