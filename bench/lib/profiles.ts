/**
 * The link profiles a benchmark runs besides the perfect links, named in an environment variable
 * as a comma-separated list of the NAT lab's profiles (link-emulator/profiles.ts).
 */
import { linkProfileNames, type LinkProfileName } from '@icelane/testing/nat-lab';

/** The profiles `variable` names (none when unset); an unknown name is a clear error. */
export function profilesFrom(variable: string): LinkProfileName[] {
  const raw = process.env[variable] ?? '';
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const profile of names) {
    if (!(linkProfileNames as string[]).includes(profile)) {
      throw new Error(
        `${variable}: unknown link profile "${profile}" (known: ${linkProfileNames.join(', ')})`,
      );
    }
  }
  return names as LinkProfileName[];
}

/** Lab options that put both clients on `profile` (none for `perfect`: the plain veths). */
export function linksOn(profile: LinkProfileName) {
  return profile === 'perfect' ? {} : { links: { a: profile, b: profile } };
}
