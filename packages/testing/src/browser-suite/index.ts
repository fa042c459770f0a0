/**
 * What every browser suite and bench shares: the SDK test page (built with Vite as an app would
 * build it), the helpers that drive it from a test, and the browsers a spec can name. A subpath of
 * its own (`@icelane/testing/browser-suite`): it loads Playwright and Vite, which unit tests don't.
 */
export { BROWSER_NAMES, expect, launchBrowser, test, type BrowserName } from './browsers.js';
export { SDK_PAGE_DIR, buildSdkPackages, buildSdkTestPage } from './build-sdk-page.js';
export {
  joinInPage,
  joinTwo,
  cutFinalUsageWrite,
  dropSignaling,
  openSdkPage,
  rawStats,
  signalingBarrier,
  signalingTransport,
  waitForEvents,
  waitForReport,
  type RawStats,
  type RoomPage,
  type SdkPageOptions,
} from './room-page.js';
export {
  peerAnnouncedMs,
  signalingSteps,
  type SignalingSteps,
  type WireEntry,
} from './signaling-wire.js';
export type { HarnessJoinOptions, RecordedEvent } from './sdk-page/main.js';
