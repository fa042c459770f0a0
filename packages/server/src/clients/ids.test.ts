import { describe, expect, it } from 'vitest';
import { randomBase64url, randomId } from './ids.js';

describe('randomId', () => {
  it('gives 16 base64url characters, never the same id twice across pool refills', () => {
    // More ids than one fill of the pool holds, so the refill is crossed several times.
    const ids = Array.from({ length: 2_000 }, () => randomId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('randomBase64url', () => {
  it('gives 4 characters per 3 bytes, fresh across refills when draws of two sizes mix', () => {
    // 12- and 24-byte draws interleaved: a 24-byte draw can find fewer bytes left than it needs.
    const texts = Array.from({ length: 3_000 }, (_, i) =>
      i % 3 === 0 ? randomId() : randomBase64url(24),
    );
    for (const [i, text] of texts.entries()) {
      expect(text).toMatch(i % 3 === 0 ? /^[A-Za-z0-9_-]{16}$/ : /^[A-Za-z0-9_-]{32}$/);
    }
    expect(new Set(texts).size).toBe(texts.length);
  });
});
