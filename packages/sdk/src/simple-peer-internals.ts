/**
 * simple-peer 9's private members the SDK's healing patches or calls. simple-peer has no API for
 * them, so a build without one would heal nothing, silently: the SDK checks they are there and
 * refuses to heal with a clear error when one is not.
 */
import { IcelaneError } from './errors.js';

/** The internals reached into, beside `_pc` (typed in simple-peer-loader.ts). */
export interface SimplePeerInternals {
  negotiate?(): void;
  _onIceStateChange?(): void;
  _onConnectionStateChange?(): void;
  offerOptions?: RTCOfferOptions;
}

/** The methods healing needs: it wraps the first two and calls the third to restart ICE. */
export const HEALING_METHODS = [
  '_onIceStateChange',
  '_onConnectionStateChange',
  'negotiate',
] as const;

/**
 * The `healing-unavailable` error when `peer` (an instance, or the class's prototype) lacks a
 * method healing needs; `undefined` when it has them all.
 */
export function healingUnavailable(peer: object): IcelaneError | undefined {
  const methods = peer as Record<string, unknown>;
  const missing = HEALING_METHODS.filter((name) => typeof methods[name] !== 'function');
  if (missing.length === 0) return undefined;
  return new IcelaneError(
    'healing-unavailable',
    `recovery needs simple-peer 9's ${missing.join(', ')}, which this simple-peer build lacks: ` +
      'use the build @icelane/simple-peer-browser ships, or join with recovery: false',
    { details: { missing } },
  );
}
