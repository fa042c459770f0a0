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

/** Where and how `firefoxLaunchOptions` runs Firefox. */
export interface FirefoxLaunchSettings {
  /** The Firefox binary the launcher starts. */
  executablePath: string;
  /**
   * A network namespace to run Firefox in (`ip netns exec`, needs root). Playwright and the relay
   * stay outside; the relay reaches Firefox's BiDi server through a connector in the namespace.
   */
  netns?: string;
  /** Origins (scheme://host:port) Firefox counts as secure contexts, so they can use the camera. */
  secureOrigins: string[];
  /**
   * A certificate authority (PEM file) Firefox trusts besides its built-in ones, e.g. a test TURN
   * server's: added to the launch's own profile (certutil, Debian's `libnss3-tools`), never to
   * the system.
   */
  caFile?: string;
}

export const firefoxLaunchDefaults: FirefoxLaunchSettings = {
  executablePath: FIREFOX_PATH,
  secureOrigins: [],
};

/**
 * Launch options for Playwright's `firefox.launch()`, or `use.launchOptions` of a project with
 * `browserName: 'firefox'`. Playwright executes FIREFOX_BIDI_LAUNCHER, which starts Firefox.
 */
export function firefoxLaunchOptions(settings: Partial<FirefoxLaunchSettings> = {}) {
  const { executablePath, netns, secureOrigins, caFile } = {
    ...firefoxLaunchDefaults,
    ...settings,
  };
  const prefs = { ...FIREFOX_PREFS };
  if (secureOrigins.length > 0) {
    // Firefox's allow-list holds host names (any port, any scheme).
    prefs['dom.securecontext.allowlist'] = secureOrigins.map((o) => new URL(o).hostname).join(',');
  }
  return {
    channel: 'moz-firefox',
    executablePath: FIREFOX_BIDI_LAUNCHER,
    headless: true,
    firefoxUserPrefs: prefs,
    env: {
      ...process.env,
      FIREFOX_PATH: executablePath,
      ...(netns ? { FIREFOX_NETNS: netns } : {}),
      ...(caFile ? { FIREFOX_CA_FILE: caFile } : {}),
    },
  };
}
