/**
 * The part of a Node `Duplex` stream simple-peer relies on. Reading: `push(chunk)` hands a data
 * channel message to `data` listeners at once (simple-peer's users listen, so the stream always
 * flows), and `push(null)` ends it. Writing: `write` goes to simple-peer's `_write`, `end()`
 * finishes (`finish`). `_readableState.ended` and `_writableState.finished` are read by
 * simple-peer when it is destroyed.
 */
const { EventEmitter } = require('./event-emitter.cjs');

const noop = () => {};

class Duplex extends EventEmitter {
  constructor() {
    super();
    this.readable = true;
    this.writable = true;
    this._readableState = { ended: false };
    this._writableState = { ended: false, finished: false };
  }

  push(chunk) {
    if (this._readableState.ended) return false;
    if (chunk === null) {
      this._readableState.ended = true;
      this.emit('end');
      return false;
    }
    this.emit('data', chunk);
    return true;
  }

  write(chunk, encoding, callback) {
    const done = typeof encoding === 'function' ? encoding : (callback ?? noop);
    if (this._writableState.ended) {
      done(new Error('write after end'));
      return false;
    }
    this._write(chunk, typeof encoding === 'string' ? encoding : undefined, done);
    return true;
  }

  end() {
    if (this._writableState.ended) return this;
    this._writableState.ended = true;
    this._writableState.finished = true;
    this.emit('finish');
    return this;
  }
}

module.exports = { Duplex };
