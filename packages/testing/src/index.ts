export { freePort } from './ports.js';
export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumLaunchOptions } from './chromium.js';
export {
  startCoturn,
  stopChild,
  coturnDefaults,
  type Coturn,
  type CoturnOptions,
} from './coturn.js';
export {
  SERVER_MAIN,
  serverProcessDefaults,
  startServerProcess,
  type ServerProcess,
  type ServerProcessOptions,
} from './server-process.js';
export {
  FIREFOX_BIDI_LAUNCHER,
  FIREFOX_PATH,
  FIREFOX_PREFS,
  firefoxLaunchDefaults,
  firefoxLaunchOptions,
  type FirefoxLaunchSettings,
} from './firefox.js';
