/**
 * How a room hears that a peer joined or left. A single node knows every peer of a room from its
 * roster, so it sends to their sockets by id (each socket is in socket.io's room of its own id
 * from its connection on). socket.io's rooms would keep the same membership a second time, a Set
 * per room and four adapter events per join and leave, for nothing: they are kept only where the
 * adapter needs them, with several nodes, where a broadcast to a room reaches the peers other
 * nodes hold through socket.io's room of it.
 */
import type { PeerJoined, PeerLeft } from '@icelane/protocol';
import type { IcelaneIo, IcelaneSocket } from './context.js';
import type { RoomRegistry } from './rooms.js';

export interface RoomChannel {
  /** `socket` speaks for a peer of `room` from now on. */
  enter(socket: IcelaneSocket, room: string): void;
  /** `socket` no longer speaks for a peer of `room`. */
  exit(socket: IcelaneSocket, room: string): void;
  /** Tells the peers of `room` but the one `exceptSocketId` speaks for that `info` joined. */
  peerJoined(room: string, exceptSocketId: string, info: PeerJoined): void;
  /** Tells the peers of `room` (but the one `exceptSocketId` speaks for) that a peer left. */
  peerLeft(room: string, exceptSocketId: string | null, left: PeerLeft): void;
}

/** The socket.io room of an icelane room; prefixed so no room name can equal a socket's own room. */
function roomKey(room: string): string {
  return `room:${room}`;
}

/** One node: the roster's registry is every peer there is, addressed by socket id. */
export function registryChannel(io: IcelaneIo, registry: RoomRegistry): RoomChannel {
  return {
    enter: () => {},
    exit: () => {},
    peerJoined(room, exceptSocketId, info) {
      // Encoding a broadcast costs as much with no recipient: skip it when nobody can hear. The
      // newcomer is in the room already: alone, it is the only one.
      if (registry.size(room) < 2) return;
      const to = registry.socketIdsIn(room, exceptSocketId);
      if (to.length > 0) io.to(to).emit('peer:joined', info);
    },
    peerLeft(room, exceptSocketId, left) {
      if (registry.size(room) === 0) return;
      const to = registry.socketIdsIn(room, exceptSocketId);
      if (to.length > 0) io.to(to).emit('peer:left', left);
    },
  };
}

/** Several nodes: socket.io's rooms, which the adapter carries to every node. */
export function socketIoRoomChannel(io: IcelaneIo): RoomChannel {
  return {
    enter: (socket, room) => void socket.join(roomKey(room)),
    exit: (socket, room) => void socket.leave(roomKey(room)),
    peerJoined(room, exceptSocketId, info) {
      io.to(roomKey(room)).except(exceptSocketId).emit('peer:joined', info);
    },
    peerLeft(room, exceptSocketId, left) {
      io.to(roomKey(room))
        .except(exceptSocketId ?? [])
        .emit('peer:left', left);
    },
  };
}
