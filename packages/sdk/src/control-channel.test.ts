import { describe, expect, it } from 'vitest';
import { parseControlMessage } from './control-channel.js';

describe('parseControlMessage', () => {
  it('reads a new signaling id', () => {
    expect(parseControlMessage('{"type":"signaling-id","peerId":"p-2"}')).toEqual({
      type: 'signaling-id',
      peerId: 'p-2',
    });
  });

  it.each([
    ['binary', new Uint8Array([1, 2])],
    ['not JSON', '{type'],
    ['JSON that is not an object', '"signaling-id"'],
    ['null', 'null'],
    ['an unknown type', '{"type":"hello","peerId":"p"}'],
    ['no peer id', '{"type":"signaling-id"}'],
    ['an empty peer id', '{"type":"signaling-id","peerId":""}'],
    ['a peer id that is not a string', '{"type":"signaling-id","peerId":7}'],
    ['a peer id too long', JSON.stringify({ type: 'signaling-id', peerId: 'x'.repeat(129) })],
    [
      'a message too long',
      JSON.stringify({ type: 'signaling-id', peerId: 'p', pad: 'x'.repeat(2000) }),
    ],
  ])('ignores %s', (_, data) => {
    expect(parseControlMessage(data)).toBeNull();
  });
});
