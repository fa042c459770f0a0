/**
 * A {@link Room} joined over a {@link FakeSocket} with {@link FakeSimplePeer}s, as `joinRoom`
 * would make it once the server answered, and every event it emits recorded in order.
 * Use with `vi.useFakeTimers()`: the room offers to the peers already there one task after it is
 * made (`await vi.advanceTimersByTimeAsync(0)`).
 */
import type { IceConfig, PeerInfo } from '@icelane/protocol';
import { resolveJoinOptions, type JoinOptions } from '../../src/defaults.js';
import type { RoomEvents } from '../../src/events.js';
import { Room } from '../../src/room.js';
import { fakeSimplePeers, type FakeSimplePeers } from './fake-simple-peer.js';
import { FakeSocket } from './fake-socket.js';
import { iceConfig } from './ice.js';

/** Every event of a room: a compile error here when an event is added and not recorded. */
const RECORDED: Record<keyof RoomEvents, true> = {
  'peer:joined': true,
  'peer:left': true,
  'peer:state': true,
  recovery: true,
  quality: true,
  stream: true,
  track: true,
  data: true,
  report: true,
  fallback: true,
  ice: true,
  signaling: true,
  error: true,
};
const ROOM_EVENTS = Object.keys(RECORDED) as (keyof RoomEvents)[];

/** One emitted event, as `[name, payload]`. */
export type RecordedEvent = {
  [K in keyof RoomEvents]: [K, RoomEvents[K]];
}[keyof RoomEvents];

export interface RoomHarness {
  room: Room;
  socket: FakeSocket;
  peers: FakeSimplePeers;
  /** Every event the room emitted, in order. */
  events: RecordedEvent[];
  /** The payloads of one event, in order. */
  eventsOf<K extends keyof RoomEvents>(name: K): RoomEvents[K][];
}

export interface RoomSetup {
  /** The peers the join answer lists (this side offers to each). */
  peers?: PeerInfo[];
  ice?: IceConfig;
  options?: Partial<JoinOptions>;
  peerId?: string;
}

export function openRoom(setup: RoomSetup = {}): RoomHarness {
  const socket = new FakeSocket();
  // The server answers requests at once unless a test says otherwise.
  let issued = 1;
  socket.answer('ice:refresh', () => ({ data: iceConfig(++issued) }));
  socket.answer('room:leave', () => ({ data: { left: true } }));
  const peers = fakeSimplePeers();
  const answer = {
    peerId: setup.peerId ?? 'me',
    room: 'standup',
    peers: setup.peers ?? [],
    ice: setup.ice ?? iceConfig(1),
  };
  const room = new Room(
    socket.signaling,
    answer,
    { room: 'standup' },
    resolveJoinOptions(setup.options),
    peers.SimplePeer,
  );
  const events: RecordedEvent[] = [];
  for (const name of ROOM_EVENTS) {
    room.on(name, (payload) => events.push([name, payload] as RecordedEvent));
  }
  const eventsOf = <K extends keyof RoomEvents>(name: K) =>
    events.filter((event) => event[0] === name).map((event) => event[1] as RoomEvents[K]);
  return { room, socket, peers, events, eventsOf };
}
