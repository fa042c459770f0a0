/**
 * `connection:quality`: a call's quality as one side rates it (the SDK's `quality` event), sent
 * when a rating or its cause changes, and once more when the call ends. The server turns the
 * time between two reports into call time by rating and cause; the client claims no durations.
 */
import * as v from 'valibot';
import { peerIdSchema } from './schemas.js';

/** A direction of a call, as a person would say it. */
export type QualityRating = 'excellent' | 'good' | 'poor' | 'lost';

/** What set a direction's rating (see the SDK's call-quality.ts for the limits). */
export type QualityCause = 'rtt' | 'loss' | 'jitter' | 'frames' | 'bitrate' | 'no-media';

export const QUALITY_RATINGS = [
  'excellent',
  'good',
  'poor',
  'lost',
] as const satisfies readonly QualityRating[];

/** In the order the SDK names them: the network's figures first, then what the media shows. */
export const QUALITY_CAUSES = [
  'rtt',
  'loss',
  'jitter',
  'frames',
  'bitrate',
  'no-media',
] as const satisfies readonly QualityCause[];

/** One direction: its rating and the figures at that level (none when excellent). */
export interface DirectionRating {
  rating: QualityRating;
  causes: QualityCause[];
}

export interface QualityReport {
  /** The remote peer. */
  peerId: string;
  /** What this side receives from the far side. */
  receiving: DirectionRating;
  /** What the far side receives from this side, as its reports say. */
  sending: DirectionRating;
  /** The call ended: the ratings it held until now end here, and nothing follows. */
  final: boolean;
}

const directionRatingSchema = v.object(
  {
    rating: v.picklist(QUALITY_RATINGS, 'unknown rating'),
    causes: v.pipe(
      v.array(v.picklist(QUALITY_CAUSES, 'unknown cause'), 'causes must be an array'),
      v.maxLength(QUALITY_CAUSES.length, 'too many causes'),
    ),
  },
  'a direction must be an object',
) satisfies v.GenericSchema<unknown, DirectionRating>;

export const qualityReportSchema = v.object(
  {
    peerId: peerIdSchema,
    receiving: directionRatingSchema,
    sending: directionRatingSchema,
    final: v.boolean('final must be a boolean'),
  },
  'quality report must be an object',
) satisfies v.GenericSchema<unknown, QualityReport>;
