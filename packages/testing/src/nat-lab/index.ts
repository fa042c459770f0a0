/**
 * The NAT lab (network namespaces, NAT routers, coturn and the server, browsers inside) and the
 * calls the lab's suites and benches make through it. A subpath of its own
 * (`@icelane/testing/nat-lab`): it needs root and loads Playwright, which unit tests don't.
 */
export { canRunLab, cannotRunReason } from './can-run.js';
export { expect, skipUnlessLabCanRun, test, type LabFixtures } from './fixtures.js';
export {
  TURN_PORT,
  TURN_REALM,
  TURN_SECRET,
  TURN_TLS_PORT,
  createLab,
  labDefaults,
  type Lab,
  type LabOptions,
} from './lab.js';
export { PUBLIC_HOST, type LabNetwork, type SideName } from './topology.js';
export { WEB_HOST, natKinds, type NatKind } from './nat-kinds.js';
export {
  NAT64_PREFIX,
  PUBLIC_HOST6,
  SIGNAL_NAME,
  TURN_NAME,
  type SideNetwork,
} from './ipv6/plan.js';
export type { IncidentTimes } from './incidents.js';
export { namespaceName } from './names.js';
export { labResources, sweepLeftovers } from './teardown.js';
export { run, runIn } from './run.js';
export { observeMapping, type ObservedSources } from './mapping-probe.js';
export {
  sdkCall,
  withMedia,
  type BrowserProfile,
  type CallWait,
  type RecordedError,
  type SideOutcome,
} from './sdk-call.js';
export {
  HOLD_VIDEO,
  holdCall,
  holdConnected,
  holdJoinOptions,
  holdThrough,
  longestFrozen,
  longestGap,
  sideHeld,
  watchCall,
  type CallSide,
  type HeldSide,
  type HoldPlan,
  type WatchedCall,
} from './call-hold.js';
export {
  BLACKOUT_MS,
  SCENARIOS,
  SHORT_TTL_SECONDS,
  callTimeline,
  describeSide,
  newStreams,
  planOf,
  recoveriesOf,
  scenarioLabOptions,
  storyProblems,
  type RecoveryCause,
  type RecoveryEvent,
  type RecoveryScenario,
  type ScenarioId,
} from './recovery-scenarios.js';
export {
  linkDirectionDefaults,
  perfectLink,
  turnPathDefaults,
  type BurstLoss,
  type LinkConfig,
  type LinkDirection,
  type TurnPathDirection,
} from './link-emulator/link-config.js';
export type { LinkControl, LinkSetting } from './link-emulator/link-control.js';
export {
  linkProfileNames,
  linkProfiles,
  type LinkProfile,
  type LinkProfileName,
} from './link-emulator/profiles.js';
export { probeLink, type ProbeRequest, type ProbeResult } from './link-emulator/probe.js';
export { mostStolenSeconds, stolenCpuSeconds } from './link-emulator/stolen-time.js';
