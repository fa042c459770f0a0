/**
 * Healing patches simple-peer's private methods. These tests run the patch on the simple-peer
 * build the SDK ships (@icelane/simple-peer-browser's dist, over a stand-in RTCPeerConnection):
 * on the real build it keeps a failed connection for the SDK to heal; on a build lacking one of
 * the methods, joinRoom refuses to start with a clear error instead of healing nothing.
 */
import SimplePeerBuild from '@icelane/simple-peer-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IcelaneError } from '../src/errors.js';
import { keepThroughIceFailure, restartIceAsOfferer } from '../src/ice-restart.js';
import { joinRoom } from '../src/join-room.js';
import type * as Signaling from '../src/signaling.js';
import { HEALING_METHODS, healingUnavailable } from '../src/simple-peer-internals.js';
import type { SimplePeerConstructor, SimplePeerInstance } from '../src/simple-peer-loader.js';
import { FakePeerConnection } from './fakes/fake-peer-connection.js';

const shipped = SimplePeerBuild as unknown as SimplePeerConstructor;
const loaded = vi.hoisted(() => ({ SimplePeer: undefined as unknown }));
// A socket whose server answers the join at once; the room is never built past the check.
// `on` and `off` chain, as socket.io's do.
const socket = vi.hoisted(() => {
  const fake = {
    connected: true,
    disconnect: () => {},
    on: (event: string, listener: (answer: unknown) => void) => {
      if (event === 'room:joined') queueMicrotask(() => listener({ data: {} }));
      return fake;
    },
    off: () => fake,
    onAny: () => {},
    offAny: () => {},
  };
  return fake;
});

// joinRoom gets the build under test and that socket.
vi.mock('../src/simple-peer-loader.js', () => ({
  loadSimplePeer: () => Promise.resolve(loaded.SimplePeer),
}));
vi.mock('../src/signaling.js', async (original) => ({
  ...(await original<typeof Signaling>()),
  connectSignaling: () => ({ socket, connected: Promise.resolve() }),
}));

beforeEach(() => {
  // simple-peer looks for RTCPeerConnection on globalThis.
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** An answering peer of `SimplePeer`, its errors caught, and its connection. */
function answerer(SimplePeer: SimplePeerConstructor) {
  const peer = new SimplePeer({ initiator: false, config: {}, trickle: true, objectMode: true });
  peer.on('error', () => {});
  const pc = peer._pc as unknown as FakePeerConnection & { oniceconnectionstatechange(): void };
  return { peer, pc };
}

/** The browser says ICE failed, as it does: the state, then the handler simple-peer set. */
function iceFails(pc: ReturnType<typeof answerer>['pc']) {
  pc.iceConnectionState = 'failed';
  pc.oniceconnectionstatechange();
}

/** The shipped build with `method` gone, as a build of another simple-peer version might be. */
function buildWithout(method: string): SimplePeerConstructor {
  const Without = class extends (shipped as unknown as new (...args: never[]) => object) {};
  Object.defineProperty(Without.prototype, method, { value: undefined });
  return Without as unknown as SimplePeerConstructor;
}

const ended = (peer: SimplePeerInstance) =>
  peer.destroyed || (peer as unknown as { destroying: boolean }).destroying;

describe('healing on the simple-peer build the SDK ships', () => {
  it('keeps a connection whose ICE failed, which the unpatched build destroys, and restarts ICE', () => {
    expect(healingUnavailable(shipped.prototype)).toBeUndefined();
    const plain = answerer(shipped);
    iceFails(plain.pc);
    expect(ended(plain.peer)).toBe(true);

    const patched = answerer(shipped);
    keepThroughIceFailure(patched.peer);
    iceFails(patched.pc);
    expect(ended(patched.peer)).toBe(false);
    restartIceAsOfferer(patched.peer);
    expect(patched.pc.iceRestarts).toBe(1);
    patched.peer.destroy();
  });

  for (const method of HEALING_METHODS) {
    it(`refuses to heal, naming ${method}, when the build lacks it`, async () => {
      const Without = buildWithout(method);
      const { peer } = answerer(Without);
      expect(() => keepThroughIceFailure(peer)).toThrow(
        expect.objectContaining({ code: 'healing-unavailable', details: { missing: [method] } }),
      );
      peer.destroy();

      loaded.SimplePeer = Without;
      const disconnect = vi.spyOn(socket, 'disconnect');
      const refused = await joinRoom('http://127.0.0.1:1', 'room').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(IcelaneError);
      expect(refused).toMatchObject({ code: 'healing-unavailable' });
      expect((refused as Error).message).toContain(method);
      expect((refused as Error).message).toContain('recovery: false');
      expect(disconnect).toHaveBeenCalledTimes(1);
    });
  }
});
