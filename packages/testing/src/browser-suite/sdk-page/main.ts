/**
 * The page the browser suites drive: the SDK as a plain Vite app imports it, exposed on `window`
 * with a harness that records every room event in a form Playwright can read.
 */
import {
  IcelaneError,
  checkNetwork,
  joinDefaults,
  joinRoom,
  type JoinOptions,
  type Room,
  type RoomEvents,
} from '@icelane/sdk';

/** One recorded room event; media objects are replaced by what a test can assert on. */
export interface RecordedEvent {
  event: keyof RoomEvents;
  at: number;
  payload: unknown;
}

export interface HarnessJoinOptions extends Partial<Omit<JoinOptions, 'media'>> {
  /** Capture the fake camera (Chromium's fake devices) and send it, with these constraints if given. */
  fakeMedia?: boolean | MediaTrackConstraints;
}

const EVENTS: Array<keyof RoomEvents> = [
  'peer:joined',
  'peer:left',
  'peer:state',
  'recovery',
  'quality',
  'stream',
  'track',
  'data',
  'report',
  'fallback',
  'ice',
  'signaling',
  'error',
];

function serializable(event: keyof RoomEvents, payload: unknown): unknown {
  if (payload instanceof IcelaneError) {
    return {
      code: payload.code,
      message: payload.message,
      peerId: payload.peerId,
      details: payload.details,
    };
  }
  if (event === 'stream') {
    const { peerId, stream } = payload as RoomEvents['stream'];
    return { peerId, tracks: stream.getTracks().map((t) => t.kind) };
  }
  if (event === 'track') {
    const { peerId, track } = payload as RoomEvents['track'];
    return { peerId, kind: track.kind };
  }
  if (event === 'data') {
    const { peerId, data } = payload as RoomEvents['data'];
    return { peerId, data: typeof data === 'string' ? data : Array.from(data) };
  }
  return payload;
}

/**
 * Frames each peer's <video> presented, counted with requestVideoFrameCallback. Firefox leaves
 * getVideoPlaybackQuality() at 0 for a MediaStream (WebRTC) source and counts its frames only in
 * the non-standard mozPaintedFrames (Mozilla bug 1379050); the callback fires in both browsers.
 */
const presentedFrames = new Map<string, number>();

function countPresentedFrames(peerId: string, video: HTMLVideoElement): void {
  if (typeof video.requestVideoFrameCallback !== 'function') return;
  const onFrame = () => {
    presentedFrames.set(peerId, (presentedFrames.get(peerId) ?? 0) + 1);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

function showStream(peerId: string, stream: MediaStream): void {
  let video = document.getElementById(`video-${peerId}`) as HTMLVideoElement | null;
  if (!video) {
    video = document.createElement('video');
    video.id = `video-${peerId}`;
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    document.getElementById('videos')!.append(video);
    countPresentedFrames(peerId, video);
  }
  video.srcObject = stream;
  void video.play().catch(() => {});
}

const harness = {
  room: undefined as Room | undefined,
  events: [] as RecordedEvent[],

  async join(url: string, roomName: string, options: HarnessJoinOptions = {}) {
    const { fakeMedia, ...rest } = options;
    const media = fakeMedia
      ? await navigator.mediaDevices.getUserMedia({ video: fakeMedia, audio: false })
      : null;
    try {
      const room = await joinRoom(url, roomName, { ...rest, media });
      harness.room = room;
      for (const event of EVENTS) {
        room.on(event, (payload) => {
          if (event === 'stream') {
            const { peerId, stream } = payload as RoomEvents['stream'];
            showStream(peerId, stream);
          }
          harness.events.push({ event, at: Date.now(), payload: serializable(event, payload) });
        });
      }
      return { ok: true as const, peerId: room.peerId, ice: room.ice };
    } catch (error) {
      return { ok: false as const, error: serializable('error', error) };
    }
  },

  /** Payloads of one event, in order. */
  of(event: keyof RoomEvents): unknown[] {
    return harness.events.filter((e) => e.event === event).map((e) => e.payload);
  },

  send(data: string, peerId?: string) {
    harness.room!.send(data, peerId);
  },

  /** Video frames shown so far from a peer's stream (see `presentedFrames` for Firefox). */
  framesFrom(peerId: string): number {
    const video = document.getElementById(`video-${peerId}`) as HTMLVideoElement | null;
    const counted = video?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
    return Math.max(counted, presentedFrames.get(peerId) ?? 0);
  },

  /**
   * Traffic as a live call has it, for tests that watch a call stay up: a data message to every
   * peer each `intervalMs`, and the frames decoded from each peer's video sampled as often.
   */
  startTraffic(intervalMs = 100) {
    let sent = 0;
    const timer = setInterval(() => {
      try {
        harness.room?.send(`tick ${sent++}`);
      } catch {
        // No channel open at this moment: the gap shows on the receiving side.
      }
      for (const { peerId } of harness.room?.peers() ?? []) {
        const frames = harness.framesFrom(peerId);
        (harness.frameSamples[peerId] ??= []).push({ at: Date.now(), frames });
      }
    }, intervalMs);
    return () => clearInterval(timer);
  },

  /** Per peer, `{ at, frames }` samples taken by `startTraffic`. */
  frameSamples: {} as Record<string, Array<{ at: number; frames: number }>>,

  peers() {
    return harness.room?.peers() ?? [];
  },

  async leave() {
    await harness.room?.leave();
  },
};

declare global {
  interface Window {
    icelane: {
      joinRoom: typeof joinRoom;
      checkNetwork: typeof checkNetwork;
      IcelaneError: typeof IcelaneError;
      joinDefaults: typeof joinDefaults;
    };
    harness: typeof harness;
  }
}

window.icelane = { joinRoom, checkNetwork, IcelaneError, joinDefaults };
window.harness = harness;
document.title = 'icelane SDK test page (ready)';
