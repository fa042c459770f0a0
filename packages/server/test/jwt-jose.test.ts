/**
 * The verifier against tokens signed by jose, an implementation independent of the test signer:
 * jose's tokens are admitted and its hostile ones refused, the test signer writes what jose writes,
 * and a token without `kid` is tried against a capped number of keys.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createJwtVerifier, jwksDefaults, type JwtRefusal } from '../src/auth/index.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { hs256, inSeconds, signingKey } from './support/jwt-signer.js';

const keyServers = new Set<JwksServer>();
afterEach(async () => {
  await Promise.all([...keyServers].map((keys) => keys.close()));
  keyServers.clear();
});

const SECRET = 'a-shared-secret-of-more-than-32-bytes!';
const secretBytes = new TextEncoder().encode(SECRET);
const rsa = signingKey('RS256', 'rsa-1');
const ec = signingKey('ES256', 'ec-1');

async function keyServer(published = [rsa.jwk, ec.jwk]) {
  const keys = await startJwksServer(published);
  keyServers.add(keys);
  return keys;
}

/** The reason `promise` was refused, or `admitted`. */
async function outcome(promise: Promise<unknown>): Promise<JwtRefusal | 'admitted'> {
  try {
    await promise;
    return 'admitted';
  } catch (error) {
    return (error as { reason: JwtRefusal }).reason;
  }
}

const joseHs256 = (claims: JWTPayload) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secretBytes);

describe('JWT verifier with tokens signed by jose', () => {
  it('admits jose HS256, RS256 and ES256 tokens and refuses its expired, early and exp-less ones', async () => {
    const hs = createJwtVerifier({ secret: SECRET });
    const exp = inSeconds(600);
    const verified = await hs.verify(await joseHs256({ sub: 'ada', room: 'standup', exp }));
    expect(verified).toMatchObject({ room: 'standup', claims: { sub: 'ada', exp } });
    expect(await outcome(hs.verify(await joseHs256({ exp: inSeconds(-120) })))).toBe('expired');
    const early = await joseHs256({ nbf: inSeconds(300), exp });
    expect(await outcome(hs.verify(early))).toBe('not-yet-valid');
    expect(await outcome(hs.verify(await joseHs256({ sub: 'ada' })))).toBe('bad-claim');

    const keys = await keyServer();
    const jwks = createJwtVerifier({ jwksUrl: keys.url });
    for (const key of [rsa, ec]) {
      const token = await new SignJWT({ exp })
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .sign(key.privateKey);
      expect(await outcome(jwks.verify(token)), key.alg).toBe('admitted');
    }
  });

  it("refuses jose's unsecured token, an HS256 token keyed with the public key, and an unknown critical extension", async () => {
    const keys = await keyServer();
    const jwks = createJwtVerifier({ jwksUrl: keys.url });
    const exp = inSeconds(600);
    const unsecured = new UnsecuredJWT({ exp }).encode();
    expect(await outcome(jwks.verify(unsecured))).toBe('unsupported-alg');
    const publicPem = new TextEncoder().encode(
      String(createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' })),
    );
    const confused = await new SignJWT({ exp })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .sign(publicPem);
    expect(await outcome(jwks.verify(confused))).toBe('unsupported-alg');
    // jose signs an extension it is told the signer understands; the verifier understands none.
    const critical = await new SignJWT({ exp })
      .setProtectedHeader({ alg: 'HS256', crit: ['x-icelane-unknown'], 'x-icelane-unknown': 1 })
      .sign(secretBytes, { crit: { 'x-icelane-unknown': true } });
    expect(await outcome(createJwtVerifier({ secret: SECRET }).verify(critical))).toBe('malformed');
  });

  it('has a test signer that writes what jose writes', async () => {
    const claims = { sub: 'ada', exp: inSeconds(600) };
    // HMAC and RSASSA-PKCS1-v1_5 are deterministic: the same header and claims give the same bytes.
    const joseHs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(secretBytes);
    expect(hs256(SECRET, claims)).toBe(joseHs);
    const joseRs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: rsa.kid })
      .sign(rsa.privateKey);
    expect(rsa.sign(claims)).toBe(joseRs);
    // ECDSA signatures are random: jose verifies the test signer's instead.
    const { payload } = await jwtVerify(ec.sign(claims), ec.jwk as JWK);
    expect(payload).toEqual(claims);
  });

  it('checks a token without kid against the first few fitting keys only', async () => {
    const cap = jwksDefaults.maxKeysWithoutKid;
    const anonymous = Array.from({ length: cap + 1 }, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), use: 'sig' } };
    });
    const keys = await keyServer(anonymous.map((key) => key.jwk));
    const verifier = createJwtVerifier({ jwksUrl: keys.url });
    const signedBy = (index: number) =>
      new SignJWT({ exp: inSeconds(600) })
        .setProtectedHeader({ alg: 'ES256' })
        .sign(anonymous[index]!.privateKey);
    expect(await outcome(verifier.verify(await signedBy(0)))).toBe('admitted');
    expect(await outcome(verifier.verify(await signedBy(cap - 1)))).toBe('admitted');
    // The key past the cap is never tried: its token is refused as any other forgery.
    expect(await outcome(verifier.verify(await signedBy(cap)))).toBe('bad-signature');
    expect(keys.requests).toBe(1);
  });
});
