/**
 * The call-quality rating (the SDK's `quality` event) as a held call told it, and what a person
 * on the link would say of it. The SDK rates each window of `statsIntervalMs` (3 s) and tells a
 * rating only when it or a cause changes, so a side's ratings are the changes in order; each holds
 * until the next.
 */
import type { CallQuality, QualityCause, QualityRating } from '@icelane/sdk';
import { expect, type HeldSide } from '@icelane/testing/nat-lab';

export interface ToldQuality {
  /** When the side was told, `Date.now()` of its page. */
  at: number;
  quality: CallQuality;
}

/** The ratings a side was told of its call after connecting, in order. */
export function ratingsOf(side: HeldSide): ToldQuality[] {
  return side.events
    .filter((e) => e.event === 'quality')
    .map((e) => ({ at: e.at, quality: (e.payload as { quality: CallQuality }).quality }));
}

/** What only the network can cause: a round trip or a loss past their limits. */
const NETWORK_CAUSES: readonly QualityCause[] = ['rtt', 'loss'];

/**
 * Ratings a clear link (no loss, a short round trip) must never be told: `lost`, or `poor` for a
 * network cause. A loaded machine may make video choppy (`frames`) or late (`jitter`); a person
 * would see that too, and it is not what this link is asserted on.
 */
export function clearLinkProblems(told: ToldQuality[]): string[] {
  return told
    .filter(({ quality }) =>
      [quality.receiving, quality.sending].some(
        (d) =>
          d.rating === 'lost' ||
          (d.rating === 'poor' && d.causes.some((c) => NETWORK_CAUSES.includes(c))),
      ),
    )
    .map(({ quality }) => summary(quality));
}

/**
 * The share of the time from the first rating to `until` that no clear-link problem (above) was
 * told. Each rating holds until the next. A share, not "never": a loaded 2-core machine starves
 * the browsers now and then, and the rating then says so honestly (one run of call-hold.spec.ts at
 * load 18: round trips of 0.9-1.5 s on perfect links in 2 to 4 windows of about 40 per side, with
 * data gaps past 1 s at the same moments).
 */
export function clearLinkShare(told: ToldQuality[], until: number): number {
  return shareOfTime(told, until, (t) => clearLinkProblems([t]).length === 0);
}

/**
 * The share of the time from the first rating to `until` that a rating named `cause` in either
 * direction (each rating holds until the next).
 */
export function causeShare(told: ToldQuality[], cause: QualityCause, until: number): number {
  return shareOfTime(told, until, ({ quality }) =>
    [quality.receiving, quality.sending].some((d) => d.causes.includes(cause)),
  );
}

function shareOfTime(
  told: ToldQuality[],
  until: number,
  counts: (told: ToldQuality) => boolean,
): number {
  if (told.length === 0) return 0;
  let counted = 0;
  told.forEach((t, i) => {
    if (counts(t)) counted += Math.max(0, Math.min(until, told[i + 1]?.at ?? until) - t.at);
  });
  const total = until - told[0]!.at;
  return total > 0 ? counted / total : 1;
}

/** At least this share of a clear link's time is rated clear (see {@link clearLinkShare}). */
export const CLEAR_LINK_SHARE = 0.75;

/**
 * A clear link held until `until`, rated as a person would rate it: clear for most of the time
 * (not lost, not poor for its round trip or loss, but while the machine starves the browsers),
 * and not poor at start-up. Soft: every side's ratings are checked and printed.
 */
export function expectRatedClear(name: string, side: HeldSide, until: number): void {
  const told = ratingsOf(side);
  const share = clearLinkShare(told, until);
  expect.soft(share, `${name}: time rated clear`).toBeGreaterThanOrEqual(CLEAR_LINK_SHARE);
  expect.soft(told[0]?.quality.rating, `${name}: the first window`).not.toBe('poor');
}

/**
 * Ratings that miss a long round trip: past `QUALITY_LIMITS.rttMs[0]` (300 ms) a call is never
 * excellent, and past 800 ms (`atLeast: 'poor'`) never better than poor. A direction rated at
 * the round trip's own level names `rtt` among its causes; a worse one names what made it worse.
 */
export function longRoundTripProblems(told: ToldQuality[], atLeast: 'good' | 'poor'): string[] {
  const level = RANK[atLeast];
  return told
    .filter(({ quality }) =>
      [quality.receiving, quality.sending].some(
        (d) => RANK[d.rating] < level || (RANK[d.rating] === level && !d.causes.includes('rtt')),
      ),
    )
    .map(({ quality }) => summary(quality));
}

const RANK: Record<QualityRating, number> = { excellent: 0, good: 1, poor: 2, lost: 3 };

/** A side's ratings in order, for the log: `excellent (…) -> good (…)`, or `never`. */
export function ratingsSummary(side: HeldSide): string {
  return (
    ratingsOf(side)
      .map(({ quality }) => summary(quality))
      .join(' -> ') || 'never'
  );
}

/** `good (rtt 412 ms) | receiving good [rtt, frames], sending good [rtt]` */
export function summary(quality: CallQuality): string {
  const { receiving: r, sending: s } = quality;
  return (
    `${quality.rating} (rtt ${quality.rttMs ?? '?'} ms) | receiving ${r.rating} [${r.causes.join(', ')}], ` +
    `sending ${s.rating} [${s.causes.join(', ')}]`
  );
}
