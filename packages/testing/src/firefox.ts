/**
 * How the suites start Debian's Firefox ESR: Playwright cannot download its own browsers here, and
 * its own Firefox build speaks Juggler, not WebDriver BiDi. A `moz-` channel makes Playwright
 * drive a stock Firefox over BiDi; `firefox-bidi.mjs`, used as the executable, starts
 * FIREFOX_PATH behind a relay that answers the one command Playwright sends and 153 ESR lacks.
 */
import { fileURLToPath } from 'node:url';

/** The Firefox binary itself (Debian's `/usr/bin/firefox-esr` is a symlink to it). */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';

/** The launcher Playwright starts in place of Firefox; it runs `$FIREFOX_PATH`. */
export const FIREFOX_BIDI_LAUNCHER = fileURLToPath(new URL('./firefox-bidi.mjs', import.meta.url));

export const FIREFOX_PREFS: Record<string, string | number | boolean> = {
  // Firefox refuses STUN/TURN servers on loopback without it (icecandidateerror 701, no relay).
  'media.peerconnection.ice.loopback': true,
  // A camera and microphone that always exist and never ask.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Nothing but the test's own traffic (Playwright's profile already points update, telemetry
  // and safe-browsing servers at nowhere).
  'network.captive-portal-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'services.settings.server': 'data:,#remote-settings-off',
  'messaging-system.rsexperimentloader.enabled': false,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
};

/**
 * Launch options for Playwright's `firefox.launch()`, or `use.launchOptions` of a project with
 * `browserName: 'firefox'`. `launcher` is what Playwright executes (a netns wrapper may exec
 * FIREFOX_BIDI_LAUNCHER); the launcher finds Firefox at `executablePath`.
 */
export function firefoxLaunchOptions(
  executablePath: string = FIREFOX_PATH,
  launcher: string = FIREFOX_BIDI_LAUNCHER,
) {
  return {
    channel: 'moz-firefox',
    executablePath: launcher,
    headless: true,
    firefoxUserPrefs: { ...FIREFOX_PREFS },
    env: { ...process.env, FIREFOX_PATH: executablePath },
  };
}
