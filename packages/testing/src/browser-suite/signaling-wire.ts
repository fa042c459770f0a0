/**
 * What the SDK's signaling connection sent and received before a call, timed in the page: each
 * engine.io packet over WebSocket or HTTP long-polling, so a bench can tell socket.io's handshake,
 * the transport's upgrade and the join apart (the SDK reports no timestamps for them). The
 * recorder is a page init script; {@link signalingSteps} turns its record into the steps.
 */

/** One message on the wire, as the page saw it (`at` is `Date.now()`). */
export interface WireEntry {
  at: number;
  /** `ws-out`/`ws-in`: a WebSocket message; `poll-out`/`poll-in`: a polling request or response. */
  kind: 'ws-open' | 'ws-error' | 'ws-out' | 'ws-in' | 'poll-out' | 'poll-in';
  /** The engine.io packets it carried, each cut to its first characters. */
  packets: string[];
}

/**
 * The init script: wraps `WebSocket` and `XMLHttpRequest` (engine.io-client's two browser
 * transports) before the page's own scripts run, and keeps what they carry in
 * `window.signalingWire`. Self-contained: Playwright sends it to the page as source.
 */
export function recordSignalingWire(): void {
  const wire: { at: number; kind: string; packets: string[] }[] = [];
  (window as unknown as { signalingWire: typeof wire }).signalingWire = wire;
  // engine.io's long-polling payloads separate packets with the record separator. The first 32
  // characters of a packet hold its type, its ack id and its event name.
  const heads = (data: unknown) =>
    typeof data === 'string' ? data.split('\x1e').map((p) => p.slice(0, 32)) : ['<binary>'];
  const note = (kind: string, data: unknown) =>
    wire.push({ at: Date.now(), kind, packets: heads(data) });

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Registered before engine.io sets its `on…` handlers: these run first.
      this.addEventListener('open', () => note('ws-open', ''));
      this.addEventListener('error', () => note('ws-error', ''));
      this.addEventListener('message', (event) => note('ws-in', event.data));
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      note('ws-out', data);
      super.send(data);
    }
  };

  const xhr = XMLHttpRequest.prototype;
  const open = xhr.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
  const send = xhr.send;
  const polling = new WeakSet<XMLHttpRequest>();
  xhr.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    if (String(args[1]).includes('transport=polling')) polling.add(this);
    return open.apply(this, args);
  } as typeof xhr.open;
  xhr.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    if (polling.has(this)) {
      // A GET carries nothing: it waits for what the server has to say.
      note('poll-out', typeof body === 'string' ? body : '');
      this.addEventListener('load', () => note('poll-in', this.responseText));
    }
    return send.call(this, body);
  };
}

/** When each step before the call's first attempt happened, in ms from `startedAt`. */
export interface SignalingSteps {
  /** engine.io's open packet arrived: the transport is open. */
  transportOpenMs?: number;
  /** socket.io's CONNECT was answered: `io()` says `connect`. */
  connectedMs?: number;
  /** The polling transport was upgraded to WebSocket (`5` sent over the WebSocket). */
  upgradedMs?: number;
  joinSentMs?: number;
  joinAnsweredMs?: number;
  /** Polling requests sent until the join was answered. */
  polls: number;
  /** The transport the join went out on. */
  joinTransport?: 'websocket' | 'polling';
  /** A WebSocket failed to open (refused, or a proxy in the way). */
  webSocketFailed: boolean;
}

/** Reads the steps from a page's wire record. */
export function signalingSteps(wire: WireEntry[], startedAt: number): SignalingSteps {
  const steps: SignalingSteps = { polls: 0, webSocketFailed: false };
  const since = (at: number) => at - startedAt;
  let joinAck: string | undefined;
  for (const { at, kind, packets } of wire) {
    if (kind === 'ws-error') steps.webSocketFailed = true;
    if (kind === 'poll-out' && steps.joinAnsweredMs === undefined) steps.polls++;
    const incoming = kind === 'ws-in' || kind === 'poll-in';
    for (const packet of packets) {
      if (incoming) {
        if (packet.startsWith('0{')) steps.transportOpenMs ??= since(at);
        if (packet.startsWith('40')) steps.connectedMs ??= since(at);
        if (joinAck !== undefined && packet.startsWith(joinAck)) steps.joinAnsweredMs ??= since(at);
        continue;
      }
      if (kind === 'ws-out' && packet === '5') steps.upgradedMs ??= since(at);
      // An event with an acknowledgement: 42<id>["room:join",…]; its answer is 43<id>[…]. Or the
      // join in socket.io's CONNECT, 40{"join":…}, answered by the event 42["room:joined",…].
      const join = /^42(\d+)\["room:join"/.exec(packet);
      const inHandshake = packet.startsWith('40{"join"');
      if ((join || inHandshake) && joinAck === undefined) {
        joinAck = join ? `43${join[1]}[` : '42["room:joined"';
        steps.joinSentMs = since(at);
        steps.joinTransport = kind === 'ws-out' ? 'websocket' : 'polling';
      }
    }
  }
  return steps;
}

/** When the server told this page that another peer joined, in ms from `startedAt`. */
export function peerAnnouncedMs(wire: WireEntry[], startedAt: number): number | undefined {
  const entry = wire.find(
    ({ kind, packets }) =>
      (kind === 'ws-in' || kind === 'poll-in') &&
      packets.some((packet) => packet.startsWith('42["peer:joined"')),
  );
  return entry && entry.at - startedAt;
}
