/**
 * The SDK's own data channel beside simple-peer's: negotiated on both sides with a fixed stream
 * id, so it needs no signaling and opens with the connection. It carries what the two SDKs tell
 * each other peer to peer — above all their new signaling ids after a rejoin, which must reach
 * the other side while the signaling server may not know them yet.
 */

/** Messages between two SDKs over the control channel. */
export type ControlMessage =
  | {
      /** This side rejoined the room: signals for it go to `peerId` from now on. */
      type: 'signaling-id';
      peerId: string;
    }
  /** This side is there: sent every `heartbeatIntervalMs` while connected (see `live-watch.ts`). */
  | { type: 'heartbeat' };

export interface ControlChannel {
  /** Sends when the channel is open; answers whether it was sent. */
  send(message: ControlMessage): boolean;
  close(): void;
}

/** Far above simple-peer's own channel (stream 0 or 1), within every browser's limit. */
export const CONTROL_CHANNEL_ID = 1001;

/** The longest peer id accepted in a message; server ids are far shorter. */
const MAX_PEER_ID_LENGTH = 128;

export function openControlChannel(
  pc: RTCPeerConnection,
  onMessage: (message: ControlMessage) => void,
): ControlChannel {
  let channel: RTCDataChannel;
  try {
    channel = pc.createDataChannel('icelane-control', {
      negotiated: true,
      id: CONTROL_CHANNEL_ID,
    });
  } catch {
    // A browser without negotiated channels still calls; only rejoins without a new connection
    // are lost.
    return { send: () => false, close: () => {} };
  }
  channel.onmessage = (event: MessageEvent) => {
    const message = parseControlMessage(event.data);
    if (message) onMessage(message);
  };
  return {
    send(message) {
      if (channel.readyState !== 'open') return false;
      channel.send(JSON.stringify(message));
      return true;
    },
    close() {
      channel.onmessage = null;
    },
  };
}

/** A control message from the far side, or `null` for anything else (it is never trusted). */
export function parseControlMessage(data: unknown): ControlMessage | null {
  if (typeof data !== 'string' || data.length > 1024) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, peerId } = value as Record<string, unknown>;
  if (type === 'heartbeat') return { type };
  if (type !== 'signaling-id') return null;
  if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > MAX_PEER_ID_LENGTH) {
    return null;
  }
  return { type, peerId };
}
