/**
 * ICE restart on a live simple-peer connection. simple-peer 9 has no API for it, but its own
 * renegotiation carries one: the offerer calls `restartIce()` on the connection (the next offer
 * then has new ICE credentials) and asks simple-peer to negotiate; the answerer answers that offer
 * as any other. Tracks, transceivers, streams and data channels stay: only the path changes.
 */
import type { IcePolicy, IceServer } from '@icelane/protocol';
import { healingUnavailable, type SimplePeerInternals } from './simple-peer-internals.js';
import type { SimplePeerInstance } from './simple-peer-loader.js';

/**
 * simple-peer destroys itself as soon as ICE says `failed`. With ICE restarts a failed path is
 * the SDK's to heal, so from here on only the SDK ends the connection. Throws `healing-unavailable`
 * when the build lacks a method this patches (joinRoom checks the class before any connection).
 */
export function keepThroughIceFailure(peer: SimplePeerInstance): void {
  const unavailable = healingUnavailable(peer);
  if (unavailable) throw unavailable;
  const internals = peer as unknown as Required<SimplePeerInternals>;
  const pc = peer._pc;
  const onIceState = internals._onIceStateChange;
  const onConnectionState = internals._onConnectionStateChange;
  internals._onIceStateChange = function (this: SimplePeerInternals) {
    if (pc.iceConnectionState !== 'failed') onIceState.call(this);
  };
  internals._onConnectionStateChange = function (this: SimplePeerInternals) {
    if (pc.connectionState !== 'failed') onConnectionState.call(this);
  };
}

/** Gives the connection fresh ICE servers and a policy for its next gathering. */
export function configureIce(pc: RTCPeerConnection, iceServers: IceServer[], policy: IcePolicy) {
  try {
    pc.setConfiguration({ ...pc.getConfiguration(), iceServers, iceTransportPolicy: policy });
    return true;
  } catch {
    // A browser that refuses the change mid-call restarts with what it has.
    return false;
  }
}

/**
 * Starts an ICE restart from the offering side: the offer simple-peer sends next carries new ICE
 * credentials, and both sides gather anew with the servers and policy set by `configureIce`.
 */
export function restartIceAsOfferer(peer: SimplePeerInstance): void {
  const internals = peer as unknown as SimplePeerInternals;
  const pc = peer._pc;
  if (typeof pc.restartIce === 'function') pc.restartIce();
  // Browsers before `restartIce()` take the option on createOffer instead.
  else internals.offerOptions = { ...internals.offerOptions, iceRestart: true };
  internals.negotiate?.();
}
