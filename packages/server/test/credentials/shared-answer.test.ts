/**
 * The shared credential's ICE list is assembled once per credential, and afresh as soon as the
 * credential changes, whether the store hands out the same object or an equal copy (Redis).
 */
import { describe, expect, it } from 'vitest';
import type { TurnCredential } from '../../src/credentials/provider.js';
import { lastCredentialMemo } from '../../src/credentials/shared-answer.js';

const credential = (username: string, expiresAt: number): TurnCredential => ({
  iceServers: [{ urls: 'turn:turn.example.test:3478', username, credential: 'pw' }],
  issuedAt: expiresAt - 600_000,
  expiresAt,
});

describe('lastCredentialMemo', () => {
  it('assembles a credential once, for the same object and for an equal copy alike', () => {
    const made: string[] = [];
    const memo = lastCredentialMemo((c) => {
      made.push(c.iceServers[0]!.username!);
      return { user: c.iceServers[0]!.username };
    });
    const first = credential('alice', 1_000_000);
    const answer = memo(first);
    expect(memo(first)).toBe(answer);
    expect(memo(structuredClone(first))).toBe(answer);
    expect(made).toEqual(['alice']);
  });

  it('assembles afresh when the credential changes: another user, or only a later expiry', () => {
    const made: string[] = [];
    const memo = lastCredentialMemo((c) => {
      made.push(`${c.iceServers[0]!.username}@${c.expiresAt}`);
      return c.iceServers[0]!.username;
    });
    memo(credential('alice', 1_000_000));
    expect(memo(credential('bob', 1_000_000))).toBe('bob');
    memo(credential('bob', 2_000_000));
    memo(credential('alice', 1_000_000));
    expect(made).toEqual(['alice@1000000', 'bob@1000000', 'bob@2000000', 'alice@1000000']);
  });
});
