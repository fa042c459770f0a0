/**
 * How good a live call is, as a person would say it, from the call's own statistics: per
 * direction, a rating and the causes that set it. Pure: two `getStats()` readings in, a verdict
 * out (the quality monitor reads them; the tests use recorded shapes).
 *
 * Each figure is rated against published limits, and a direction is as good as its worst figure:
 * - round trip: ITU-T G.114 calls one-way delay under 150 ms transparent for most calls and over
 *   400 ms unacceptable for planning: a round trip under 300 ms is excellent, under 800 ms good;
 * - loss: Opus hides a few percent (its in-band FEC is tuned for up to ~10 %), and video
 *   recovers from a few with retransmissions: under 2 % excellent, under 8 % good;
 * - jitter: the receiver's jitter buffer absorbs tens of milliseconds with little added delay:
 *   under 30 ms excellent, under 100 ms good;
 * - frames (video received): under 8 a second motion is choppy, under 12 noticeably so (a screen
 *   share sent at a few frames a second reads as poor here). Not 15: phones and small tiles
 *   often send 15 a second, and on the NAT lab's perfect links such a camera measured 13.7-15.4
 *   per 3 s window (under load, 12.7 on good LTE), which a limit of 15 rated `good` at random;
 * - bitrate: the sender says its video is held back by the bandwidth it found.
 * No packet at all received over the window, on a call that receives media, is `lost`.
 */
import type { QualityCause, QualityRating } from '@icelane/protocol';
import { findSelectedPair, type StatsLike } from './candidate-report.js';

// The wire's words (`connection:quality` tells the server the same ratings and causes).
export type { QualityCause, QualityRating };

/** One direction of the call, as measured. */
export interface DirectionQuality {
  rating: QualityRating;
  /** The figures at the rating's level (empty when excellent). */
  causes: QualityCause[];
  /** Packets lost over the window, in percent. */
  lossPercent?: number;
  jitterMs?: number;
  /** Media sent or received over the window. */
  bitrateKbps?: number;
  /** Video frames decoded (received) or encoded (sent) per second. */
  framesPerSecond?: number;
}

export interface CallQuality {
  /** The call as a whole: its worse direction. */
  rating: QualityRating;
  rttMs?: number;
  /** What this side receives from the far side. */
  receiving: DirectionQuality;
  /** What the far side receives from this side (as its reports say). */
  sending: DirectionQuality;
}

const RANK: Record<QualityRating, number> = { excellent: 0, good: 1, poor: 2, lost: 3 };

/** Each figure's limits: excellent below the first, good below the second, else poor. */
export const QUALITY_LIMITS = {
  rttMs: [300, 800],
  lossPercent: [2, 8],
  jitterMs: [30, 100],
} as const;

/** Video frames per second below which motion is choppy (poor), or noticeably so (good). */
const FRAMES_POOR = 8;
const FRAMES_GOOD = 12;

function rate(value: number | undefined, [excellent, good]: readonly number[]): QualityRating {
  if (value === undefined) return 'excellent';
  return value < excellent! ? 'excellent' : value < good! ? 'good' : 'poor';
}

type Figures = Omit<DirectionQuality, 'rating' | 'causes'>;

/** A direction as good as its worst figure, with the causes at that level. */
function judge(figures: Figures, rttMs: number | undefined, heldBack = false): DirectionQuality {
  const fps = figures.framesPerSecond;
  const rated: [QualityCause, QualityRating][] = [
    ['rtt', rate(rttMs, QUALITY_LIMITS.rttMs)],
    ['loss', rate(figures.lossPercent, QUALITY_LIMITS.lossPercent)],
    ['jitter', rate(figures.jitterMs, QUALITY_LIMITS.jitterMs)],
    // Fewer frames is worse: rated on the inverse against the inverse limits.
    ['frames', !fps ? 'excellent' : rate(1 / fps, [1 / FRAMES_GOOD, 1 / FRAMES_POOR])],
    ['bitrate', heldBack ? 'good' : 'excellent'],
  ];
  let rating: QualityRating = 'excellent';
  for (const [, r] of rated) if (RANK[r] > RANK[rating]) rating = r;
  const causes =
    rating === 'excellent' ? [] : rated.filter(([, r]) => r === rating).map(([c]) => c);
  for (const key of Object.keys(figures) as (keyof Figures)[]) {
    if (figures[key] === undefined) delete figures[key];
  }
  return { rating, causes, ...figures };
}

/** `value` times `factor`, rounded to `digits`; `undefined` stays so. */
const scaled = (value: number | undefined, factor = 1, digits = 0) =>
  value === undefined ? undefined : Number((value * factor).toFixed(digits));

/** What the figures of `entries` of one type add up to, or their largest. */
function read(stats: StatsLike | undefined, type: string, key: string, kind?: string) {
  let sum: number | undefined;
  let max: number | undefined;
  stats?.forEach((entry) => {
    const value = entry[key];
    if (entry.type !== type || (kind && entry.kind !== kind) || typeof value !== 'number') return;
    sum = (sum ?? 0) + value;
    max = Math.max(max ?? value, value);
  });
  return { sum, max };
}

const count = (value: unknown) => (typeof value === 'number' ? value : 0);

/**
 * The selected pair's mean round trip over the window, from its consent checks' totals, else its
 * latest one (Firefox keeps no totals). One check's round trip alone is noisy: on the NAT lab's 3G
 * links (400 ms client to client, 20 ms of jitter a way) single readings went from 319 to 494 ms.
 */
function roundTrip(before: StatsLike | undefined, now: StatsLike): number | undefined {
  const pair = findSelectedPair(now);
  const was = before && findSelectedPair(before);
  const since = was?.id === pair?.id ? was : undefined;
  const answers = count(pair?.responsesReceived) - count(since?.responsesReceived);
  const total = count(pair?.totalRoundTripTime) - count(since?.totalRoundTripTime);
  const latest = pair?.currentRoundTripTime;
  return answers > 0 && total > 0
    ? total / answers
    : typeof latest === 'number'
      ? latest
      : undefined;
}

/**
 * The call's quality over the window between two readings `seconds` apart (the earlier one
 * `undefined` for the first window: totals since the start).
 */
export function rateCall(
  before: StatsLike | undefined,
  now: StatsLike,
  seconds: number,
): CallQuality {
  const change = (type: string, key: string, kind?: string) => {
    const total = read(now, type, key, kind).sum;
    return total === undefined ? undefined : total - (read(before, type, key, kind).sum ?? 0);
  };
  const perSecond = (value: number | undefined, factor: number) =>
    scaled(value, factor / seconds, factor === 1 ? 1 : 0);
  const rttMs = scaled(roundTrip(before, now), 1000);

  // Receiving: this side's inbound streams.
  const received = change('inbound-rtp', 'packetsReceived');
  const lost = Math.max(0, change('inbound-rtp', 'packetsLost') ?? 0);
  const receiving =
    received === 0
      ? { rating: 'lost' as const, causes: ['no-media' as const] }
      : judge(
          {
            lossPercent:
              received === undefined ? undefined : scaled(lost / (lost + received || 1), 100, 1),
            jitterMs: scaled(read(now, 'inbound-rtp', 'jitter').max, 1000),
            bitrateKbps: perSecond(change('inbound-rtp', 'bytesReceived'), 8 / 1000),
            framesPerSecond: perSecond(change('inbound-rtp', 'framesDecoded', 'video'), 1),
          },
          rttMs,
        );

  // Sending: what the far side reports of this side's streams, and what this side sent.
  let heldBack = false;
  now.forEach((entry) => {
    if (entry.type === 'outbound-rtp' && entry.qualityLimitationReason === 'bandwidth') {
      heldBack = true;
    }
  });
  const sending = judge(
    {
      lossPercent: scaled(read(now, 'remote-inbound-rtp', 'fractionLost').max, 100, 1),
      jitterMs: scaled(read(now, 'remote-inbound-rtp', 'jitter').max, 1000),
      bitrateKbps: perSecond(change('outbound-rtp', 'bytesSent'), 8 / 1000),
      framesPerSecond: perSecond(change('outbound-rtp', 'framesEncoded', 'video'), 1),
    },
    rttMs,
    heldBack,
  );
  const rating = RANK[receiving.rating] >= RANK[sending.rating] ? receiving.rating : sending.rating;
  return { rating, ...(rttMs === undefined ? {} : { rttMs }), receiving, sending };
}

/** Whether two verdicts differ in what an app shows: a rating or a cause. */
export function qualityChanged(a: CallQuality | undefined, b: CallQuality): boolean {
  if (!a) return true;
  const key = (q: CallQuality) =>
    [q.receiving.rating, q.sending.rating, q.receiving.causes, '|', q.sending.causes].join();
  return key(a) !== key(b);
}
