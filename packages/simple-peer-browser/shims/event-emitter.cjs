/**
 * The part of Node's EventEmitter simple-peer and its users call: on, once, off, emit. Like
 * Node's, an `error` event nobody listens to is thrown.
 */
class EventEmitter {
  #listeners = new Map();

  on(event, listener) {
    const listeners = this.#listeners.get(event);
    if (listeners) listeners.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  addListener(event, listener) {
    return this.on(event, listener);
  }

  once(event, listener) {
    const once = (...args) => {
      this.removeListener(event, once);
      listener.apply(this, args);
    };
    once.listener = listener;
    return this.on(event, once);
  }

  removeListener(event, listener) {
    const listeners = this.#listeners.get(event);
    const index = listeners?.findIndex((l) => l === listener || l.listener === listener) ?? -1;
    if (index >= 0) listeners.splice(index, 1);
    return this;
  }

  off(event, listener) {
    return this.removeListener(event, listener);
  }

  removeAllListeners(event) {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  listenerCount(event) {
    return this.#listeners.get(event)?.length ?? 0;
  }

  emit(event, ...args) {
    const listeners = this.#listeners.get(event);
    if (!listeners?.length) {
      if (event === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
      return false;
    }
    // A copy: a `once` listener removes itself while the list is walked.
    for (const listener of [...listeners]) listener.apply(this, args);
    return true;
  }
}

module.exports = { EventEmitter };
