import { describe, expect, it } from 'vitest';
import { describeMediaFailure } from './media.js';

describe('camera and microphone failures', () => {
  it('says a denied permission still lets the user join and see the others', () => {
    const media = describeMediaFailure(new DOMException('Permission denied', 'NotAllowedError'));
    expect(media).toMatchObject({ stream: null, status: 'denied' });
    expect(media.message).toMatch(/denied\. You can still join: you will see and hear the others/);
  });

  it('says when there is no device at all', () => {
    const media = describeMediaFailure(
      new DOMException('Requested device not found', 'NotFoundError'),
    );
    expect(media).toMatchObject({ stream: null, status: 'absent' });
    expect(media.message).toBe('No camera or microphone was found. Joining without media.');
  });

  it('names any other failure', () => {
    const media = describeMediaFailure(
      new DOMException('Could not start video source', 'NotReadableError'),
    );
    expect(media.status).toBe('error');
    expect(media.message).toBe(
      'The camera or microphone could not be opened (NotReadableError: Could not start video source). Joining without media.',
    );
  });
});
