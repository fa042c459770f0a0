/**
 * A fake peer brought to a live call: what the SDK sees once a call is up and its far side speaks
 * on the control channel, for the tests of what happens to a call already connected.
 */
import { CONTROL_CHANNEL_ID } from '../src/control-channel.js';
import type { FakeSimplePeer } from './fakes/fake-simple-peer.js';
import { chromeSrflx } from './stats-fixtures.js';

/**
 * Connects `peer` on a direct pair and opens its control channel with one heartbeat from the far
 * side, so that its silence counts from now on; returns a function that delivers another.
 */
export function connectWithHeartbeat(peer: FakeSimplePeer): () => void {
  peer._pc.stats = chromeSrflx;
  peer.connect();
  const control = peer._pc.channel(CONTROL_CHANNEL_ID)!;
  control.open();
  const heartbeat = () => control.deliver(JSON.stringify({ type: 'heartbeat' }));
  heartbeat();
  return heartbeat;
}
