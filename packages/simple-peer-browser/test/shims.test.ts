/**
 * The stand-ins do what simple-peer relies on: a Duplex whose pushed chunks reach `data`
 * listeners at once and which ends and finishes once, an EventEmitter with Node's `once` and
 * `error` rules, random hex ids, and bytes from an ArrayBuffer.
 */
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const { Duplex } = require('../shims/stream.cjs');
const { EventEmitter } = require('../shims/event-emitter.cjs');
const { Buffer } = require('../shims/buffer.cjs');
const randomBytes = require('../shims/randombytes.cjs');

describe('Duplex', () => {
  it('hands pushed chunks to data listeners, then ends once on push(null)', () => {
    const stream = new Duplex();
    const seen: unknown[] = [];
    stream.on('data', (chunk: unknown) => seen.push(chunk));
    const ended = vi.fn();
    stream.on('end', ended);
    expect(stream.push('a')).toBe(true);
    expect(stream.push(new Uint8Array([1]))).toBe(true);
    expect(stream.push(null)).toBe(false);
    expect(stream.push('late')).toBe(false);
    stream.push(null);
    expect(seen).toEqual(['a', new Uint8Array([1])]);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(stream._readableState.ended).toBe(true);
  });

  it('writes through _write with its callback, and finishes once on end()', () => {
    const stream = new Duplex();
    const written: unknown[] = [];
    stream._write = (chunk: unknown, _encoding: unknown, done: (error?: Error) => void) => {
      written.push(chunk);
      done();
    };
    const done = vi.fn();
    expect(stream.write('x', done)).toBe(true);
    expect(written).toEqual(['x']);
    expect(done).toHaveBeenCalledWith();
    const finished = vi.fn();
    stream.once('finish', finished);
    stream.end();
    stream.end();
    expect(finished).toHaveBeenCalledTimes(1);
    expect(stream._writableState.finished).toBe(true);
    const refused = vi.fn();
    expect(stream.write('after', refused)).toBe(false);
    expect(refused.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    expect(written).toEqual(['x']);
  });
});

describe('EventEmitter', () => {
  it('runs a once listener a single time, and removes it by the function given', () => {
    const emitter = new EventEmitter();
    const once = vi.fn();
    emitter.once('connect', once);
    emitter.emit('connect', 1);
    emitter.emit('connect', 2);
    expect(once).toHaveBeenCalledExactlyOnceWith(1);

    const removed = vi.fn();
    emitter.once('finish', removed);
    emitter.removeListener('finish', removed);
    expect(emitter.emit('finish')).toBe(false);
    expect(removed).not.toHaveBeenCalled();
  });

  it('throws an error event nobody listens to, and hands it to a listener otherwise', () => {
    const emitter = new EventEmitter();
    const error = new Error('ice failed');
    expect(() => emitter.emit('error', error)).toThrow(error);
    const listener = vi.fn();
    emitter.on('error', listener);
    expect(emitter.emit('error', error)).toBe(true);
    expect(listener).toHaveBeenCalledWith(error);
  });

  it('lets a listener remove itself while the event is being emitted', () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const first = () => {
      calls.push('first');
      emitter.off('signal', first);
    };
    emitter.on('signal', first);
    emitter.on('signal', () => calls.push('second'));
    emitter.emit('signal');
    emitter.emit('signal');
    expect(calls).toEqual(['first', 'second', 'second']);
    expect(emitter.listenerCount('signal')).toBe(1);
  });
});

describe('randombytes and Buffer', () => {
  it('draws n random bytes as 2n hex digits', () => {
    const a = randomBytes(20).toString('hex');
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect(randomBytes(20).toString('hex')).not.toBe(a);
  });

  it('turns an ArrayBuffer into its bytes', () => {
    const bytes = Buffer.from(new Uint8Array([7, 8, 9]).buffer);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([7, 8, 9]);
  });
});
