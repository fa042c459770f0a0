import { describe, expect, it } from 'vitest';
import { maskSecret, summarizeIce } from './ice-servers.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const USERNAME = '1767276000:a1b2c3d4e5';
const CREDENTIAL = 'r9XlUu0x3Bc2ZC4o8bYH2GkYx1s=';

describe('ICE servers as shown on the page', () => {
  const summary = summarizeIce(
    {
      iceServers: [
        { urls: 'stun:stun.example:3478' },
        {
          urls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:443?transport=tcp'],
          username: USERNAME,
          credential: CREDENTIAL,
        },
      ],
      expiresAt: NOW + 12 * 60_000,
      turn: true,
      policy: 'all',
    },
    NOW,
  );

  it('lists one row per URL with its kind', () => {
    expect(summary.rows.map((r) => [r.kind, r.url])).toEqual([
      ['stun', 'stun:stun.example:3478'],
      ['turn', 'turn:turn.example:3478?transport=udp'],
      ['turns', 'turns:turn.example:443?transport=tcp'],
    ]);
  });

  it('never shows a TURN credential or a full username', () => {
    const shown = JSON.stringify(summary);
    expect(shown).not.toContain(CREDENTIAL);
    expect(shown).not.toContain(USERNAME);
    expect(summary.rows[1]!.username).toBe('176••••••');
    expect(summary.rows[1]!.credential).toBe('••••••');
    expect(summary.rows[0]!.username).toBeNull();
  });

  it('says when the credentials expire, and when they already have', () => {
    expect(summary.expiry).toMatch(/^expire in 12 min/);
    const late = summarizeIce(
      { iceServers: [], expiresAt: NOW - 3_000, turn: true, policy: 'all' },
      NOW,
    );
    expect(late.expiry).toMatch(/^expired 3\.0 s ago/);
    const stunOnly = summarizeIce(
      { iceServers: [], expiresAt: null, turn: false, policy: 'all' },
      NOW,
    );
    expect(stunOnly.expiry).toBe('no TURN credentials');
  });

  it('names the day of an expiry that is not today', () => {
    const tomorrow = NOW + 24 * 3_600_000;
    const day = summarizeIce(
      { iceServers: [], expiresAt: tomorrow, turn: true, policy: 'all' },
      NOW,
    );
    const weekday = new Date(tomorrow).toLocaleDateString(undefined, { weekday: 'short' });
    expect(day.expiry).toMatch(/^expire in 24\.0 h \(/);
    expect(day.expiry).toContain(weekday);
    expect(summary.expiry).not.toContain(
      new Date(NOW).toLocaleDateString(undefined, { weekday: 'short' }),
    );
  });

  it('flags a list of IPv4 literals only, which IPv6-only phones cannot use', () => {
    expect(summary.ipv4LiteralsOnly).toBe(false);
    const literals = summarizeIce(
      {
        iceServers: [{ urls: ['stun:203.0.113.1:3478', 'stun:203.0.113.1:3479'] }],
        expiresAt: null,
        turn: false,
        policy: 'all',
      },
      NOW,
    );
    expect(literals.ipv4LiteralsOnly).toBe(true);
  });

  it('masks short values entirely', () => {
    expect(maskSecret('abc', 3)).toBe('••••••');
    expect(maskSecret('', 3)).toBeNull();
  });
});
