/**
 * Camera and microphone. A call works without them: a denied or missing device gets a clear
 * message and the page joins with no media, receiving the others.
 */
export type MediaStatus = 'on' | 'audio-only' | 'video-only' | 'denied' | 'absent' | 'error';

export interface LocalMedia {
  stream: MediaStream | null;
  status: MediaStatus;
  message: string;
}

const ATTEMPTS: Array<{ constraints: MediaStreamConstraints; status: MediaStatus }> = [
  { constraints: { video: true, audio: true }, status: 'on' },
  { constraints: { audio: true }, status: 'audio-only' },
  { constraints: { video: true }, status: 'video-only' },
];

export async function openLocalMedia(): Promise<LocalMedia> {
  if (!navigator.mediaDevices?.getUserMedia) {
    return {
      stream: null,
      status: 'error',
      message:
        'This page has no access to media devices (it needs https or localhost). Joining without camera or microphone.',
    };
  }
  let lastError: unknown = null;
  for (const { constraints, status } of ATTEMPTS) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      return { stream, status, message: describeSuccess(status) };
    } catch (error) {
      lastError = error;
      // Denied is final: asking again for less would only show the user another prompt.
      if (errorName(error) === 'NotAllowedError') break;
    }
  }
  return describeMediaFailure(lastError);
}

function describeSuccess(status: MediaStatus): string {
  if (status === 'audio-only') return 'No camera found: joining with the microphone only.';
  if (status === 'video-only') return 'No microphone found: joining with the camera only.';
  return 'Camera and microphone on.';
}

/** What the page says, and joins with, when no device could be opened. */
export function describeMediaFailure(error: unknown): LocalMedia {
  const name = errorName(error);
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return {
      stream: null,
      status: 'denied',
      message:
        'Camera and microphone access was denied. You can still join: you will see and hear the others, they will not see or hear you.',
    };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return {
      stream: null,
      status: 'absent',
      message: 'No camera or microphone was found. Joining without media.',
    };
  }
  return {
    stream: null,
    status: 'error',
    message: `The camera or microphone could not be opened (${name || 'unknown error'}${
      error instanceof Error && error.message ? `: ${error.message}` : ''
    }). Joining without media.`,
  };
}

function errorName(error: unknown): string {
  return error instanceof Error || error instanceof DOMException ? error.name : '';
}
