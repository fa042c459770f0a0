/**
 * What a resume token is checked against: its SHA-256. With several nodes the shared roster holds
 * the proof, made at the join: Redis never holds a token. A single node keeps the token beside the
 * peer in its own memory and makes the proof only when one is asked for, by a rejoin naming the
 * peer or by its connection ending (departed.ts): a peer that leaves never has its token checked,
 * and hashing it at every join was work for nothing. Proofs are compared, never tokens, so the
 * comparison's time tells nothing of the token.
 */
import { hash } from 'node:crypto';
import type { Peer } from './rooms.js';

// The one-shot `hash` costs about half of a `createHash` object per join, for the same digest.
export function proofOf(token: string): string {
  return hash('sha256', token, 'base64url');
}

/** `peer`'s proof, made from its token the first time it is asked for; `undefined` without one. */
export function resumeProofOf(peer: Peer): string | undefined {
  if (peer.resumeProof === undefined && peer.resumeToken !== undefined) {
    peer.resumeProof = proofOf(peer.resumeToken);
  }
  return peer.resumeProof;
}
