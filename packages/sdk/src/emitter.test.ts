import { describe, expect, it, vi } from 'vitest';
import { createEmitter } from './emitter.js';

interface Events {
  ping: { n: number };
  done: undefined;
}

describe('the emitter', () => {
  it('calls every listener of an event with its payload, and only those', () => {
    const emitter = createEmitter<Events>();
    const a = vi.fn();
    const b = vi.fn();
    const other = vi.fn();
    emitter.on('ping', a);
    emitter.on('ping', b);
    emitter.on('done', other);
    emitter.emit('ping', { n: 1 });
    expect(a).toHaveBeenCalledWith({ n: 1 });
    expect(b).toHaveBeenCalledWith({ n: 1 });
    expect(other).not.toHaveBeenCalled();
  });

  it('on() returns the function that unsubscribes, harmless to call twice', () => {
    const emitter = createEmitter<Events>();
    const listener = vi.fn();
    const off = emitter.on('ping', listener);
    off();
    off();
    emitter.emit('ping', { n: 2 });
    expect(listener).not.toHaveBeenCalled();
    expect(emitter.listenerCount('ping')).toBe(0);
  });

  it('lets a listener unsubscribe itself while being called without skipping the next', () => {
    const emitter = createEmitter<Events>();
    const calls: string[] = [];
    const off = emitter.on('ping', () => {
      calls.push('first');
      off();
    });
    emitter.on('ping', () => calls.push('second'));
    emitter.emit('ping', { n: 1 });
    emitter.emit('ping', { n: 2 });
    expect(calls).toEqual(['first', 'second', 'second']);
  });

  it('keeps calling the other listeners when one throws, and reports the error', () => {
    const onError = vi.fn();
    const emitter = createEmitter<Events>(onError);
    const boom = new Error('listener bug');
    const after = vi.fn();
    emitter.on('ping', () => {
      throw boom;
    });
    emitter.on('ping', after);
    emitter.emit('ping', { n: 3 });
    expect(after).toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(boom, 'ping');
  });
});
