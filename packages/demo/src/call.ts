/**
 * A call: joins a room through the SDK and turns every room event into the page's state. The DOM
 * is drawn from that state by `main.ts`; nothing here touches an element.
 */
import { joinRoom, type Room } from '@icelane/sdk';
import type { ConnectionReport } from '@icelane/protocol';
import { newPeerView, type DemoState, type PeerView } from './demo-state.js';
import { formatDuration } from './dom.js';
import { describeJoinError } from './join-error.js';
import { summarizeIce } from './ice-servers.js';
import { decodeMessage, encodeMessage } from './messages.js';

export interface CallSettings {
  server: string;
  room: string;
  name: string;
  relay: boolean;
  onDemand: boolean;
  media: MediaStream | null;
}

export interface CallHooks {
  /** Something in the state changed: draw it. */
  changed(): void;
  stream(peerId: string, stream: MediaStream): void;
}

export interface Call {
  readonly room: Room;
  sendChat(text: string): void;
  leave(): Promise<void>;
}

export const callDefaults = {
  /** How often each connected peer is pinged over the data channel for the RTT plot. */
  pingIntervalMs: 1_000,
  /** Samples kept per peer. */
  rttSamples: 120,
  logLines: 50,
};

/** Joins, or rejects with an error whose message is fit to show as it is. */
export async function startCall(
  state: DemoState,
  settings: CallSettings,
  hooks: CallHooks,
): Promise<Call> {
  const room = await joinRoom(settings.server, settings.room, {
    ...(settings.name ? { name: settings.name } : {}),
    media: settings.media,
    strategy: settings.relay ? 'relay' : 'auto',
    turnOnDemand: settings.onDemand,
  }).catch((error: unknown) => {
    throw new Error(describeJoinError(error, settings.server), { cause: error });
  });

  const offs: Array<() => void> = [];
  const add = (peerId: string, name: string | null): PeerView =>
    (state.peers[peerId] ??= newPeerView(peerId, name));
  // Only `peer:joined` (and the peers present at join) make a view: a late event about a peer
  // that already left must not bring its tile back.
  const known = (peerId: string): PeerView | undefined => state.peers[peerId];
  const log = (peerId: string, line: string) => {
    const lines = known(peerId)?.log;
    if (!lines) return;
    lines.push(`${new Date().toLocaleTimeString()} ${line}`);
    if (lines.length > callDefaults.logLines) lines.shift();
  };
  const on: Room['on'] = (event, listener) => {
    const off = room.on(event, (payload) => {
      listener(payload);
      hooks.changed();
    });
    offs.push(off);
    return off;
  };

  state.room = room.room;
  state.peerId = room.peerId;
  state.ice = summarizeIce(room.ice, Date.now());
  for (const peer of room.peers()) add(peer.peerId, peer.name ?? null);

  on('peer:joined', ({ peerId, name }) => {
    add(peerId, name ?? null);
    log(peerId, 'joined the room');
  });
  on('peer:left', ({ peerId }) => {
    delete state.peers[peerId];
  });
  on('peer:state', ({ peerId, state: peerState, attempt, policy }) => {
    const v = known(peerId);
    if (!v) return;
    v.state = peerState;
    v.attempt = attempt;
    v.policy = policy;
    log(
      peerId,
      `${peerState} (attempt ${attempt}, policy ${policy})${STATE_NOTES[peerState] ?? ''}`,
    );
  });
  on('stream', ({ peerId, stream }) => {
    const v = known(peerId);
    if (!v) return;
    v.hasVideo = stream.getVideoTracks().length > 0;
    hooks.stream(peerId, stream);
  });
  on('report', ({ peerId, report }) => {
    const v = known(peerId);
    if (!v) return;
    const before = v.report;
    v.report = report;
    if (!before || pairKey(before) !== pairKey(report)) log(peerId, describeReport(report));
  });
  on('quality', ({ peerId, quality }) => {
    const v = known(peerId);
    if (v) v.quality = quality;
  });
  on('fallback', ({ peerId, attempt, reason, policy }) => {
    log(peerId, `falling back to relay: attempt ${attempt} with policy ${policy} after ${reason}`);
  });
  on('recovery', ({ peerId, cause, step, outcome, gapMs }) => {
    const how = outcome === 'recovered' ? `healed by ${step}` : `${step} failed`;
    log(peerId, `${cause}: ${how}, ${(gapMs / 1000).toFixed(1)} s without the peer`);
  });
  on('ice', (ice) => {
    state.ice = summarizeIce(ice, Date.now());
  });
  on('signaling', ({ state: signaling }) => {
    state.signaling = signaling;
    // A rejoin after a drop comes with a new peer id.
    state.peerId = room.peerId;
  });
  on('error', (error) => {
    if (error.peerId) log(error.peerId, `error ${error.code}: ${error.message}`);
    else {
      state.error = error.message;
      state.errorCode = error.code;
    }
  });
  on('data', ({ peerId, data }) => {
    const message = decodeMessage(data);
    if (message?.kind === 'chat') {
      const name = known(peerId)?.name;
      state.chat.push({
        from: name || peerId.slice(0, 8),
        text: message.text,
        at: Date.now(),
        own: false,
      });
    } else if (message?.kind === 'ping') {
      trySend(room, encodeMessage({ ...message, kind: 'pong' }), peerId);
    } else if (message?.kind === 'pong') {
      const samples = known(peerId)?.rttMs;
      samples?.push(performance.now() - message.sentAt);
      if (samples && samples.length > callDefaults.rttSamples) samples.shift();
    }
  });

  let pingId = 0;
  const pinger = setInterval(() => {
    for (const snapshot of room.peers()) {
      const peer = state.peers[snapshot.peerId];
      if (peer) peer.iceRttMs = snapshot.report?.rttMs ?? null;
    }
    for (const peer of Object.values(state.peers)) {
      if (peer.state !== 'connected') continue;
      const ping = { kind: 'ping', id: ++pingId, sentAt: performance.now() } as const;
      trySend(room, encodeMessage(ping), peer.peerId);
    }
    // The expiry is said relative to now, so it is redrawn even when nothing else changed.
    state.ice = summarizeIce(room.ice, Date.now());
    hooks.changed();
  }, callDefaults.pingIntervalMs);

  return {
    room,
    sendChat(text) {
      room.send(encodeMessage({ kind: 'chat', text }));
      state.chat.push({ from: settings.name || 'me', text, at: Date.now(), own: true });
      hooks.changed();
    },
    async leave() {
      clearInterval(pinger);
      for (const off of offs) off();
      await room.leave();
    },
  };
}

/**
 * What a state means where the word alone misleads. A peer that closed its page leaves as it
 * closes (the SDK leaves on `pagehide`); one whose browser died or whose network went is, seen
 * from here, a call gone silent: its tile says `reconnecting` for about 15 s, until the heal
 * gives up and the peer leaves.
 */
const STATE_NOTES: Partial<Record<PeerView['state'], string>> = {
  reconnecting:
    ': nothing heard from the peer, healing the call (a peer whose browser or network went stays here until the heal gives up)',
};

/** A data channel that is still opening refuses to send; the next ping will do. */
function trySend(room: Room, data: string, peerId: string): void {
  try {
    room.send(data, peerId);
  } catch {
    // ignored on purpose: see above
  }
}

function pairKey(report: ConnectionReport): string {
  const { local, remote } = report;
  return [report.attempt, local.type, local.protocol, local.relayProtocol, remote.type].join('|');
}

function describeReport(report: ConnectionReport): string {
  const local = `${report.local.type}/${report.local.relayProtocol ?? report.local.protocol}`;
  const path = report.relayed ? 'through a TURN relay' : 'directly';
  return `connected ${path} (local ${local} ⇄ remote ${report.remote.type}) on attempt ${report.attempt} in ${formatDuration(report.timeToConnectMs)}`;
}
