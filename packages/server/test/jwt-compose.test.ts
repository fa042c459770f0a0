/**
 * The JWT hook combined with an app's own rule: both must allow, and their rooms must agree.
 */
import { describe, expect, it } from 'vitest';
import { allOf, createJwtAuthorize } from '../src/auth/index.js';
import type { AuthRequest, Authorize } from '../src/clients/authorize.js';
import { hs256, inSeconds } from './support/jwt-signer.js';

const SECRET = 'compose-test-secret-of-at-least-32-bytes';
const asking = (token: string, room: string | undefined): AuthRequest => ({
  token,
  headers: {},
  address: '127.0.0.1',
  room,
});

describe('composing the JWT hook', () => {
  const jwt = createJwtAuthorize({ secret: SECRET });
  const banned: Authorize = async ({ address }) => address !== '127.0.0.1';
  const onlyBoard: Authorize = async () => ({ allowedRoom: 'board' });

  it('allows only what every hook allows', async () => {
    const anyRoom = hs256(SECRET, { exp: inSeconds(600) });
    expect(await allOf(jwt, onlyBoard)(asking(anyRoom, 'board'))).toEqual({ allowedRoom: 'board' });
    expect(await allOf(jwt, banned)(asking(anyRoom, 'board'))).toBe(false);
    // The first refusal ends it, with its reason for the client.
    expect(await allOf(jwt, onlyBoard)(asking('garbage', 'board'))).toEqual({
      refused: 'the join token is invalid',
    });
    expect(
      await allOf(onlyBoard, async () => ({ refused: 'banned' }))(asking(anyRoom, 'board')),
    ).toEqual({
      refused: 'banned',
    });
  });

  it('refuses when the token and the other hook name different rooms', async () => {
    const standupOnly = hs256(SECRET, { exp: inSeconds(600), room: 'standup' });
    expect(await allOf(jwt, onlyBoard)(asking(standupOnly, 'board'))).toBe(false);
  });

  it('hands the verified claims to an extra rule', async () => {
    const seen: unknown[] = [];
    const withRole = createJwtAuthorize(
      { secret: SECRET },
      {
        authorizeClaims: async ({ claims }) => {
          seen.push(claims.role);
          return claims.role === 'host';
        },
      },
    );
    const host = hs256(SECRET, { exp: inSeconds(600), role: 'host', room: 'r' });
    const guest = hs256(SECRET, { exp: inSeconds(600), role: 'guest' });
    expect(await withRole(asking(host, 'r'))).toEqual({ allowedRoom: 'r' });
    expect(await withRole(asking(guest, 'r'))).toBe(false);
    expect(seen).toEqual(['host', 'guest']);
  });
});
