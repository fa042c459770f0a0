/**
 * A side's emulated link as the lab hands it to tests and benches: set by profile name or by a
 * configuration of its own, changeable at any time (during a call included).
 */
import type { Cable, CableCounters } from './cable.js';
import type { LinkConfig, TurnMatch } from './link-config.js';
import { linkProfiles, type LinkProfileName } from './profiles.js';

/** A named profile (profiles.ts) or a configuration of its own. */
export type LinkSetting = LinkProfileName | LinkConfig;

export interface LinkControl {
  /** What the link does now. */
  readonly config: LinkConfig;
  /** The profile's name when the link was last set by name, else `null`. */
  readonly profile: LinkProfileName | null;
  /** Changes the link at once; resolves when the pump applies it. */
  set(setting: LinkSetting): Promise<void>;
  /** What the pump has carried, lost and dropped per direction since the lab started. */
  counters(): Promise<{ up: CableCounters; down: CableCounters }>;
  /** CPU seconds the pump has used so far. */
  cpuSeconds(): Promise<number>;
  /** Settles when the pump has exited: the lab's teardown kills it, and its devices go with it. */
  readonly exited: Promise<void>;
}

/** The configuration a setting stands for; an unknown profile name is a clear error. */
export function linkConfigOf(setting: LinkSetting): LinkConfig {
  if (typeof setting !== 'string') return setting;
  const profile = linkProfiles[setting];
  if (!profile) {
    const names = Object.keys(linkProfiles).join(', ');
    throw new Error(`unknown link profile "${String(setting)}" (known: ${names})`);
  }
  return profile.link;
}

export async function controlLink(
  cable: Cable,
  turnMatch: TurnMatch,
  setting: LinkSetting,
): Promise<LinkControl> {
  let config = linkConfigOf(setting);
  let profile = typeof setting === 'string' ? setting : null;
  await cable.set(config, turnMatch);
  return {
    get config() {
      return config;
    },
    get profile() {
      return profile;
    },
    async set(next) {
      const nextConfig = linkConfigOf(next);
      await cable.set(nextConfig, turnMatch);
      config = nextConfig;
      profile = typeof next === 'string' ? next : null;
    },
    exited: cable.exited,
    counters: () => cable.counters(),
    cpuSeconds: () => cable.cpuSeconds(),
  };
}
