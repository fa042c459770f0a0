/** Whether the NAT lab's specs run, skip or fail, from what this machine lacks (can-run.ts). */

/** The reason the lab cannot run, for a skip or a failure. */
export const labNeeds = (missingRequirement: string) =>
  `NAT lab needs root and iptables: ${missingRequirement}`;

/** What the lab's specs do here: run, skip (a developer's machine), or fail (CI). */
export type LabGate = { run: true } | { run: false; skip: string } | { run: false; fail: string };

/**
 * Under `CI=true` a machine that cannot build the lab fails its specs instead of skipping them: a
 * skipped lab still reads PASS, and a CI runner that lost its namespace rights would then let
 * every connectivity regression through.
 */
export function labGate(missingRequirement: string | null, env: NodeJS.ProcessEnv): LabGate {
  if (missingRequirement === null) return { run: true };
  const reason = labNeeds(missingRequirement);
  if (env.CI !== 'true') return { run: false, skip: reason };
  return {
    run: false,
    fail:
      `${reason}. CI=true: the NAT lab must run in CI, not be skipped; give the job root with ` +
      'CAP_SYS_ADMIN and CAP_NET_ADMIN (a privileged container), or unset CI to skip it locally',
  };
}
