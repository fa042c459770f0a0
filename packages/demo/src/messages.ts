/**
 * What the page sends over the SDK's data channel: chat lines, and pings whose echo measures the
 * round trip over the call's own path every second (the RTT plotted per peer).
 */
export type DemoMessage =
  | { kind: 'chat'; text: string }
  | { kind: 'ping'; id: number; sentAt: number }
  | { kind: 'pong'; id: number; sentAt: number };

export const CHAT_MAX_LENGTH = 500;

export function encodeMessage(message: DemoMessage): string {
  return JSON.stringify(message);
}

/** `null` for anything that is not one of the page's messages (another app in the same room). */
export function decodeMessage(data: unknown): DemoMessage | null {
  const text =
    typeof data === 'string'
      ? data
      : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
        ? new TextDecoder().decode(data as ArrayBuffer)
        : null;
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.kind === 'chat' && typeof m.text === 'string') {
    return { kind: 'chat', text: m.text.slice(0, CHAT_MAX_LENGTH) };
  }
  if ((m.kind === 'ping' || m.kind === 'pong') && isFinite(m.id) && isFinite(m.sentAt)) {
    return { kind: m.kind, id: m.id, sentAt: m.sentAt };
  }
  return null;
}

function isFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
