// A plain app: the SDK imported by name, default Vite settings, no polyfills.
import { joinRoom } from '@icelane/sdk';

declare global {
  interface Window {
    appResult?: { joinRoom: string; code?: string; peer?: string };
  }
}

const result: NonNullable<Window['appResult']> = { joinRoom: typeof joinRoom };
// Nothing listens on port 1: the join fails, after loading simple-peer's chunk and socket.io.
joinRoom('http://127.0.0.1:1', 'vite-app', { signalingTimeoutMs: 1_000 }).catch(
  (error: { code?: string }) => {
    result.code = error.code;
    window.appResult = result;
  },
);
