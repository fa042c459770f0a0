/**
 * What a link's connections hand the app as they come, whichever attempt carries the call: data,
 * media, a media error, the call's quality, and relay usage for the server. Apart from the link, which decides what a
 * connection's state means.
 */
import type { AttemptHandlers } from './attempt-connection.js';
import { IcelaneError } from './errors.js';
import type { PeerLinkDeps } from './peer-link-deps.js';

export type ForwardedHandlers = Pick<
  AttemptHandlers,
  'data' | 'control' | 'stream' | 'track' | 'mediaError' | 'usage' | 'quality'
>;

export interface ForwardedEvents {
  handlers: ForwardedHandlers;
  /**
   * The attempt's connection is up: the remote media it received so far reach the app now, and
   * later media at once. An attempt's tracks arrive with the far side's description, before ICE
   * has connected; an attempt that then fails never shows its media (apps that add a video per
   * `stream` showed a dead tile per failed attempt).
   */
  connectionUp(): void;
}

export function forwardedHandlers(
  deps: PeerLinkDeps,
  peerId: string,
  attempt: number,
): ForwardedEvents {
  let up = false;
  const held: Array<() => void> = [];
  const whenUp = (show: () => void) => (up ? show() : held.push(show));
  return {
    handlers: {
      data: (data) => deps.emit('data', { peerId, data }),
      control: (message) => deps.onControl(message),
      stream: (stream) => whenUp(() => deps.emit('stream', { peerId, stream })),
      track: (track, stream) => whenUp(() => deps.emit('track', { peerId, track, stream })),
      mediaError: (cause) =>
        deps.emit(
          'error',
          new IcelaneError('media-failed', `could not add local media for peer ${peerId}`, {
            peerId,
            cause,
          }),
        ),
      quality: (quality) => deps.emit('quality', { peerId, quality }),
      usage: (totals, final) => deps.onUsage({ peerId, attempt, ...totals, final }),
    },
    connectionUp: () => {
      up = true;
      for (const show of held.splice(0)) show();
    },
  };
}
