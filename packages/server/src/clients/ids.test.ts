import { describe, expect, it } from 'vitest';
import { randomId } from './ids.js';

describe('randomId', () => {
  it('gives 16 base64url characters, never the same id twice across pool refills', () => {
    // More ids than one fill of the pool holds, so the refill is crossed several times.
    const ids = Array.from({ length: 2_000 }, () => randomId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
