/**
 * How a held call was rated (the SDK's `quality` event): the share of the time under each rating,
 * with the causes named while it held. The SDK tells a rating only when it or a cause changes,
 * so each told rating holds until the next.
 */
import type { CallQuality } from '@icelane/sdk';
import type { HeldSide } from '@icelane/testing/nat-lab';

/** `excellent 81 %, good 17 % [loss], poor 2 % [loss, frames]` from the first rating to `until`. */
export function ratingShares(side: HeldSide, until: number): string {
  const told = side.events
    .filter((e) => e.event === 'quality')
    .map((e) => ({ at: e.at, quality: (e.payload as { quality: CallQuality }).quality }));
  if (told.length === 0) return 'never rated';
  const total = until - told[0]!.at;
  const byRating = new Map<string, { ms: number; causes: Set<string> }>();
  told.forEach(({ at, quality }, i) => {
    // Ratings told after `until` (the page is read once the hold ended) count for nothing.
    const heldMs = Math.max(0, Math.min(until, told[i + 1]?.at ?? until) - at);
    const entry = byRating.get(quality.rating) ?? { ms: 0, causes: new Set<string>() };
    entry.ms += heldMs;
    for (const direction of [quality.receiving, quality.sending]) {
      if (direction.rating === quality.rating) direction.causes.forEach((c) => entry.causes.add(c));
    }
    byRating.set(quality.rating, entry);
  });
  return [...byRating]
    .map(([rating, { ms, causes }]) => {
      const share = total > 0 ? Math.round((ms / total) * 100) : 100;
      return `${rating} ${share} %${causes.size > 0 ? ` [${[...causes].join(', ')}]` : ''}`;
    })
    .join(', ');
}
