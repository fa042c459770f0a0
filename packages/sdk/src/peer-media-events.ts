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

export function forwardedHandlers(
  deps: PeerLinkDeps,
  peerId: string,
  attempt: number,
): ForwardedHandlers {
  return {
    data: (data) => deps.emit('data', { peerId, data }),
    control: (message) => deps.onControl(message),
    stream: (stream) => deps.emit('stream', { peerId, stream }),
    track: (track, stream) => deps.emit('track', { peerId, track, stream }),
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
  };
}
