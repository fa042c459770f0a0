/**
 * Loads simple-peer on first use. Its main entry imports Node's streams, `buffer` and `process`,
 * which a plain Vite app does not provide; `@icelane/simple-peer-browser` is simple-peer built as
 * one browser ES module with small stand-ins for them. Loading it lazily keeps
 * `import '@icelane/sdk'` safe where there is no `window`, and puts it in a chunk of its own.
 */

/** The part of a simple-peer instance the SDK uses. */
export interface SimplePeerInstance {
  /** The underlying connection; simple-peer 9 keeps it here. */
  readonly _pc: RTCPeerConnection;
  /** The data channel, once there is one (the offerer makes it at once); simple-peer 9 too. */
  readonly _channel?: RTCDataChannel | null;
  readonly connected: boolean;
  readonly destroyed: boolean;
  signal(data: unknown): void;
  send(data: string | ArrayBufferView | ArrayBuffer | Blob): void;
  destroy(error?: Error): void;
  on(event: 'signal', listener: (data: { type: string } & Record<string, unknown>) => void): this;
  on(event: 'connect' | 'close', listener: () => void): this;
  on(event: 'data', listener: (data: string | Uint8Array) => void): this;
  on(event: 'stream', listener: (stream: MediaStream) => void): this;
  on(event: 'track', listener: (track: MediaStreamTrack, stream: MediaStream) => void): this;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
}

export interface SimplePeerOptions {
  initiator: boolean;
  /** ICE settings go here: a top-level `iceTransportPolicy` is silently ignored by simple-peer. */
  config: RTCConfiguration;
  stream?: MediaStream;
  trickle: boolean;
  /** Text arrives as strings, binary as `Uint8Array`. */
  objectMode: boolean;
}

export type SimplePeerConstructor = new (options: SimplePeerOptions) => SimplePeerInstance;

let loading: Promise<SimplePeerConstructor> | undefined;

export function loadSimplePeer(): Promise<SimplePeerConstructor> {
  loading ??= import('@icelane/simple-peer-browser').then((module) => {
    // The class is the default export (wrapped once more by some bundlers' interop).
    let value: unknown = module;
    while (value && typeof value !== 'function' && 'default' in (value as object)) {
      value = (value as { default: unknown }).default;
    }
    if (typeof value !== 'function') throw new Error('simple-peer did not load');
    return value as SimplePeerConstructor;
  });
  loading.catch(() => {
    // Let a later join try again.
    loading = undefined;
  });
  return loading;
}
