/**
 * Redis work over many items with a bound on the commands in flight. A node's resync writes two
 * entries per peer: sent all at once, thousands of commands queue on the node's connections in
 * one tick, and a join's claim sent then waits behind all of them (docs/benchmarks.md, "A resync
 * of 5,000 peers").
 */

/**
 * How many of a resync's commands are in flight at once. A join's claim on the same connection
 * waits behind at most this many of it (a millisecond or two of Redis time), while the pipeline
 * stays full enough that a resync of 5,000 peers took 0.45-1.5 s at load 20-24, about a quarter
 * longer than all at once (docs/benchmarks.md).
 */
export const RESYNC_IN_FLIGHT = 64;

/**
 * Runs `task` for each item, at most `limit` at once, in the items' order; resolves with the
 * results in that order. After a failure no task starts, and the first failure rejects once the
 * tasks under way have settled (so nothing of this run is still writing when the caller retries).
 */
export async function inFlight<Item, Result>(
  items: readonly Item[],
  limit: number,
  task: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
