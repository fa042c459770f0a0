/**
 * Named links, each from published measurements (cited per profile; the README's "Link
 * profiles" lists the same sources). Figures are one-way, per direction, for the client's access
 * link; `rttMs` is the round trip they add between the client and a server beside its router.
 */
import { perfectLink, type LinkConfig } from './link-config.js';

export interface LinkProfile {
  link: LinkConfig;
  /** The round trip the profile adds to a path to the public segment (up + down delay). */
  rttMs: number;
  /** What it stands for, and where its figures come from. */
  summary: string;
}

export const linkProfiles = {
  perfect: { link: perfectLink, rttMs: 0, summary: 'no delay, loss or limit (the lab before)' },
} satisfies Record<string, LinkProfile>;

export type LinkProfileName = keyof typeof linkProfiles;

export const linkProfileNames = Object.keys(linkProfiles) as LinkProfileName[];
