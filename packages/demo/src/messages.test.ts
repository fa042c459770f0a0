import { describe, expect, it } from 'vitest';
import { CHAT_MAX_LENGTH, decodeMessage, encodeMessage } from './messages.js';

describe('data-channel messages', () => {
  it('round-trips chat lines, pings and pongs, as text or bytes', () => {
    for (const message of [
      { kind: 'chat', text: 'hello' },
      { kind: 'ping', id: 3, sentAt: 12.5 },
      { kind: 'pong', id: 3, sentAt: 12.5 },
    ] as const) {
      const text = encodeMessage(message);
      expect(decodeMessage(text)).toEqual(message);
      expect(decodeMessage(new TextEncoder().encode(text))).toEqual(message);
    }
  });

  it('ignores what another app sends in the same room', () => {
    for (const data of [
      'hello',
      '42',
      'null',
      '{"kind":"ping","id":"x","sentAt":1}',
      '{"kind":"file"}',
      7,
    ]) {
      expect(decodeMessage(data)).toBeNull();
    }
  });

  it('cuts chat lines to the maximum length', () => {
    const long = encodeMessage({ kind: 'chat', text: 'x'.repeat(CHAT_MAX_LENGTH + 100) });
    const decoded = decodeMessage(long);
    expect(decoded?.kind === 'chat' && decoded.text.length).toBe(CHAT_MAX_LENGTH);
  });
});
