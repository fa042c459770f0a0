/**
 * Everything the page shows, in one plain object published as `window.__demo`, so a browser test
 * (or a developer in the console) reads the same facts the panels display.
 */
import type { ConnectionReport, IcePolicy } from '@icelane/protocol';
import type { CallQuality } from '@icelane/sdk';
import type { IceSummary } from './ice-servers.js';
import type { MediaStatus } from './media.js';
import type { NetworkVerdict } from './network-verdict.js';

export type JoinStatus = 'idle' | 'joining' | 'joined' | 'leaving' | 'error';
export type PeerState =
  'connecting' | 'connected' | 'reconnecting' | 'retrying' | 'failed' | 'closed';

export interface PeerView {
  peerId: string;
  name: string | null;
  state: PeerState;
  attempt: number;
  policy: IcePolicy | null;
  report: ConnectionReport | null;
  /** Round trips over the data channel, oldest first, in ms. */
  rttMs: number[];
  /** The selected candidate pair's round trip as the browser measures it (STUN checks). */
  iceRttMs: number | null;
  /** The call's quality as the SDK rates it (the `quality` event), once connected. */
  quality: CallQuality | null;
  /** One line per event worth reading later: state changes, fallbacks, recoveries, errors. */
  log: string[];
  hasVideo: boolean;
}

export interface DemoState {
  status: JoinStatus;
  /** The last error, in words; `null` once a join succeeds. */
  error: string | null;
  errorCode: string | null;
  room: string | null;
  peerId: string | null;
  strategy: 'auto' | 'relay';
  turnOnDemand: boolean;
  media: MediaStatus | null;
  signaling: 'connected' | 'reconnecting' | 'disconnected' | null;
  ice: IceSummary | null;
  peers: Record<string, PeerView>;
  chat: Array<{ from: string; text: string; at: number; own: boolean }>;
  network: {
    status: 'idle' | 'running' | 'done' | 'error';
    verdict: NetworkVerdict | null;
    error: string | null;
  };
}

declare global {
  interface Window {
    __demo: DemoState;
  }
}

export function createDemoState(): DemoState {
  const state: DemoState = {
    status: 'idle',
    error: null,
    errorCode: null,
    room: null,
    peerId: null,
    strategy: 'auto',
    turnOnDemand: false,
    media: null,
    signaling: null,
    ice: null,
    peers: {},
    chat: [],
    network: { status: 'idle', verdict: null, error: null },
  };
  window.__demo = state;
  return state;
}

export function newPeerView(peerId: string, name: string | null): PeerView {
  return {
    peerId,
    name,
    state: 'connecting',
    attempt: 1,
    policy: null,
    report: null,
    rttMs: [],
    iceRttMs: null,
    quality: null,
    log: [],
    hasVideo: false,
  };
}
