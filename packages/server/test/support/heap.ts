/**
 * Live heap after a full collection, for tests that look for leaks. `global.gc` is only there
 * when Node runs with `--expose-gc`; the V8 flag can be set at run time instead, and the
 * function taken from a fresh context.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of live heap after two full collections. */
export async function liveHeapBytes(): Promise<number> {
  // Let pending finalizers and weak-reference clean-ups run between the collections.
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap kept per call of `work`, measured over `times` calls after a warm-up. */
export async function bytesKeptPerCall(
  times: number,
  work: () => Promise<unknown>,
): Promise<number> {
  for (let i = 0; i < Math.min(1_000, times); i++) await work();
  const before = await liveHeapBytes();
  for (let i = 0; i < times; i++) await work();
  const after = await liveHeapBytes();
  return (after - before) / times;
}
