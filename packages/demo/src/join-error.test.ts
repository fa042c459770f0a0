import { describe, expect, it } from 'vitest';
import { IcelaneError } from '@icelane/sdk';
import { describeJoinError } from './join-error.js';

const SERVER = 'http://127.0.0.1:8080';

describe('join errors on the page', () => {
  it('names the server that could not be reached', () => {
    const error = new IcelaneError('signaling-failed', 'no answer within 10000 ms');
    expect(describeJoinError(error, SERVER)).toBe(
      'Could not reach the icelane server at http://127.0.0.1:8080: is it running? (no answer within 10000 ms)',
    );
  });

  it("gives the server's code when it refused the join", () => {
    const error = new IcelaneError('join-failed', 'the room is full', {
      details: { code: 'room-full' },
    });
    expect(describeJoinError(error, SERVER)).toBe(
      'The server refused to join the room (room-full): the room is full',
    );
  });

  it('says what any other failure was', () => {
    expect(describeJoinError(new IcelaneError('invalid-options', 'bad'), SERVER)).toBe(
      'Could not join (invalid-options): bad',
    );
    expect(describeJoinError(new TypeError('boom'), SERVER)).toBe('Could not join: boom');
    expect(describeJoinError('nope', SERVER)).toBe('Could not join: nope');
  });
});
