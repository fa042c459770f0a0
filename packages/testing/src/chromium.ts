/**
 * How the suites start Debian's Chromium: Playwright cannot download its own browsers here.
 * Call the binary itself, not Debian's `/usr/bin/chromium` shell wrapper.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // A camera and microphone that always exist and never ask.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/** Launch options for Playwright's `chromium.launch()`. */
export function chromiumLaunchOptions(executablePath: string = CHROMIUM_PATH) {
  return { executablePath, headless: true, args: [...CHROMIUM_ARGS] };
}
