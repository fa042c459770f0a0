import { describe, expect, it } from 'vitest';
import { jsonSize } from './json-size.js';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('jsonSize', () => {
  it.each([
    ['null', null],
    ['booleans', [true, false]],
    ['numbers', [0, -0, 1.5, -3e-7, 1e21, 2 ** 60]],
    ['an empty object and array', { a: {}, b: [] }],
    ['a signal', { type: 'offer', sdp: 'v=0\r\no=- 46117 2 IN IP4 127.0.0.1\r\n' }],
    ['escapes', 'quote " backslash \\ tab \t newline \n bell \u0007 nul \u0000'],
    ['non-ASCII', 'é € 日本語 👩‍💻 \u2028'],
    ['lone surrogates', '\ud800 x \udc00'],
    ['keys needing escapes', { 'k"\n': 1, ключ: 'значение' }],
    ['nesting', { a: [1, { b: [null, 'x'] }], c: { d: { e: true } } }],
  ])('matches the UTF-8 length of JSON.stringify for %s', (_name, value) => {
    expect(jsonSize(value, 1_000_000, 10)).toBe(bytes(value));
  });

  it('matches JSON.stringify on random plain values', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3)
        return String.fromCharCode(
          ...Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * 0x3000)),
        );
      if (r < 0.45) return Math.floor(random() * 1e6) / 7;
      if (r < 0.5) return random() < 0.5;
      if (r < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => pick(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, pick(depth + 1)]),
      );
    };
    for (let i = 0; i < 300; i++) {
      const value = pick(0);
      expect(jsonSize(value, 1_000_000, 10)).toBe(bytes(value));
    }
  });

  it('counts multi-byte characters as the bytes that cross the wire', () => {
    const euro = '€'.repeat(400); // 1,200 bytes in UTF-8, 400 UTF-16 units
    expect(jsonSize(euro, 1_000, 2)).toBe(Infinity);
    expect(jsonSize(euro, 1_202, 2)).toBe(1_202);
  });

  it('refuses values over the byte cap', () => {
    expect(jsonSize('x'.repeat(99), 100, 2)).toBe(Infinity);
    expect(jsonSize('x'.repeat(98), 100, 2)).toBe(100);
  });

  it('refuses containers nested deeper than the cap', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5; i++) deep = i % 2 ? { d: deep } : [deep];
    expect(jsonSize(deep, 1_000, 4)).toBe(Infinity);
    expect(jsonSize(deep, 1_000, 5)).toBe(bytes(deep));
  });

  it('refuses a huge array quickly, without walking it', () => {
    const huge = new Array<number>(10_000_000).fill(0);
    const started = performance.now();
    expect(jsonSize(huge, 64 * 1024, 8)).toBe(Infinity);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('refuses cycles', () => {
    const cycle: Record<string, unknown> = { type: 'x' };
    cycle.self = cycle;
    expect(jsonSize(cycle, 1_000_000, 8)).toBe(Infinity);
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a bigint', 10n],
    ['NaN', NaN],
    ['Infinity', [Infinity]],
    ['binary', new Uint8Array(4)],
    ['a Date', new Date(0)],
    ['a class instance', new (class Point {})()],
    ['a symbol', Symbol('s')],
  ])('refuses what JSON cannot carry: %s', (_name, value) => {
    expect(jsonSize(value, 1_000_000, 8)).toBe(Infinity);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(jsonSize(bare, 100, 2)).toBe(7);
  });
});
