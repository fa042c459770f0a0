// A call between two headless Chromium pages through the installed server's own binary, which
// also serves the page the installed SDK was built into.
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { cleanEnv } from './run.mjs';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
/** Long enough for a loaded 2-core machine; a call on loopback connects in well under a second. */
const CALL_TIMEOUT_MS = 30_000;
const START_TIMEOUT_MS = 15_000;

/** Starts `icelane-server` from the app's node_modules; resolves once it logs `listening`. */
export async function startServer(appDir, extraEnv = {}) {
  const bin = join(appDir, 'node_modules', '.bin', 'icelane-server');
  const env = cleanEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    ICELANE_STUN_URLS: '',
    ICELANE_STATIC_DIR: join(appDir, 'dist'),
    ...extraEnv,
  });
  const child = spawn(process.execPath, [bin], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  };
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('server did not listen in time')),
      START_TIMEOUT_MS,
    );
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(line);
        const record = line.startsWith('{') ? JSON.parse(line) : {};
        if (record.msg === 'listening') {
          clearTimeout(timer);
          resolve(record.port);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening`));
    });
  }).catch(async (error) => {
    await stop();
    throw new Error(`${error.message}:\n${logs.join('\n')}`);
  });
  return { url: `http://127.0.0.1:${port}`, logs, exited, stop };
}

/** Two pages join one room, connect, and send each other a message; returns both reports. */
export async function runCall(browser, url) {
  const room = `package-install-${process.pid}`;
  const pages = await Promise.all(
    ['Ada', 'Bob'].map(async (name) => {
      const page = await browser.newPage();
      await page.goto(`${url}/?room=${room}&name=${name}`);
      return page;
    }),
  );
  const [ada, bob] = pages;
  const state = (page) => page.evaluate(() => globalThis.call);
  const connected = (page) =>
    page.waitForFunction(
      () => globalThis.call.reports.length > 0 || globalThis.call.errors.length > 0,
      null,
      {
        timeout: CALL_TIMEOUT_MS,
      },
    );
  await Promise.all([connected(ada), connected(bob)]);
  const [a, b] = [await state(ada), await state(bob)];
  if (a.errors.length + b.errors.length > 0) {
    throw new Error(`the call failed: ${JSON.stringify([...a.errors, ...b.errors])}`);
  }
  await ada.evaluate((to) => globalThis.call.send('hello from Ada', to), b.peerId);
  await bob.evaluate((to) => globalThis.call.send('hello from Bob', to), a.peerId);
  const heard = (page, text) =>
    page.waitForFunction((t) => globalThis.call.received.some((m) => m.data === t), text, {
      timeout: CALL_TIMEOUT_MS,
    });
  await Promise.all([heard(bob, 'hello from Ada'), heard(ada, 'hello from Bob')]);
  const streams = (page) =>
    page.waitForFunction(
      () => globalThis.call.streams.some((s) => s.kinds.includes('video')),
      null,
      {
        timeout: CALL_TIMEOUT_MS,
      },
    );
  await Promise.all([streams(ada), streams(bob)]);
  return [a.reports[0].report, b.reports[0].report];
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No sandbox as root; a camera that always exists and never asks.
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
}
