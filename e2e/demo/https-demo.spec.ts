/**
 * Issue 17, the demo from a phone: `npm run demo -- --https` starts from the repository with one
 * command, serves the page and the signaling over HTTPS with a certificate it makes and keeps,
 * offers coturn over TLS with the same certificate, prints a QR code of its link, and Ctrl-C stops
 * it all. Everything runs on 127.0.0.1 (`ICELANE_DEMO_HOST`): no traffic leaves the machine.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test } from '@playwright/test';
import { chromiumLaunchOptions } from '@icelane/testing';
import { openAndJoin, remotePanel, videoAdvances } from './call-page.js';
import { canBind, startHttpsDemo, type HttpsDemo } from './https-demo.js';
import { decodeModules, decodePng, terminalQrModules } from './qr-decode.js';

test.describe.configure({ mode: 'serial' });

/** The test ignores the self-signed certificate, as a person accepts it on the phone. */
const ACCEPT_CERTIFICATE = { ignoreHTTPSErrors: true };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const certDir = join(mkdtempSync(join(tmpdir(), 'icelane-demo-cert-')), 'cert');
let demo: HttpsDemo;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  demo = await startHttpsDemo({ command: ['npm', 'run', 'demo', '--', '--https'], certDir });
});

test.afterAll(async () => {
  await demo?.interrupt();
  rmSync(join(certDir, '..'), { recursive: true, force: true });
});

/** The SHA-256 fingerprint of the certificate a TLS server on 127.0.0.1 presents. */
function presentedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

function fingerprintOnDisk(): string {
  return new X509Certificate(readFileSync(join(certDir, 'cert.pem'))).fingerprint256;
}

test('--help lists every option and variable, before installing anything', () => {
  const help = spawnSync('bash', ['scripts/demo.sh', '--help'], { cwd: ROOT, encoding: 'utf8' });
  expect(help.status).toBe(0);
  const script = readFileSync(join(ROOT, 'scripts/demo/run.sh'), 'utf8');
  const variables = new Set(script.match(/ICELANE_DEMO_[A-Z_]+/g));
  expect(variables.size).toBeGreaterThanOrEqual(5);
  for (const name of [...variables, 'ICELANE_DEMO_HTTPS', '--https', '--help']) {
    expect(help.stdout).toContain(name);
  }
  expect(help.stdout).not.toContain('installing');
});

test('prints an https link on the given address, with a QR code that decodes to it', () => {
  expect(demo.url).toMatch(
    new RegExp(`^https://127\\.0\\.0\\.1:${demo.ports.port}/\\?room=phone-[0-9a-f]{6}$`),
  );
  expect(decodeModules(terminalQrModules(demo.output()))).toBe(demo.url);
  // What the phone will say, and how to get past it.
  expect(demo.output()).toContain('Your connection is not private');
  expect(demo.output()).toContain('Proceed to 127.0.0.1 (unsafe)');
  expect(demo.output()).toContain('This Connection Is Not Private');
  expect(demo.output()).toContain('self-signed, made now');
});

test('serves the page and coturn over TLS with the certificate it made and printed', async () => {
  const fingerprint = fingerprintOnDisk();
  expect(demo.output()).toContain(`SHA-256 ${fingerprint}`);
  expect(await presentedFingerprint(demo.ports.port)).toBe(fingerprint);
  expect(await presentedFingerprint(demo.ports.turnsPort)).toBe(fingerprint);
  const cert = new X509Certificate(readFileSync(join(certDir, 'cert.pem')));
  expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
  expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
});

test('two browsers join over HTTPS with the fake camera and connect through coturn', async ({
  browser,
}) => {
  const link = `${demo.url}&relay=1`;
  const ada = await openAndJoin(browser, `${link}&name=Ada`, undefined, ACCEPT_CERTIFICATE);
  const grace = await openAndJoin(browser, `${link}&name=Grace`, undefined, ACCEPT_CERTIFICATE);
  try {
    for (const { page } of [ada, grace]) {
      // A secure origin: the camera is there (the fake one), unlike over plain http on a LAN.
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      await expect(page.locator('#local-no-video')).toBeHidden();
      const panel = remotePanel(page);
      await expect(panel).toHaveAttribute('data-state', 'connected');
      await expect(panel).toHaveAttribute('data-relayed', 'true');
      const frames = await videoAdvances(page);
      expect(frames.after).toBeGreaterThan(frames.before);
    }
    // The ICE servers handed out include coturn's TLS port on the same address.
    await expect(ada.page.locator('#ice-panel')).toContainText(
      `turns:127.0.0.1:${demo.ports.turnsPort}?transport=tcp`,
    );
  } finally {
    await ada.close();
    await grace.close();
  }
});

test("the page's QR code, beside the share link, decodes to that link", async ({ browser }) => {
  const context = await browser.newContext(ACCEPT_CERTIFICATE);
  try {
    const page = await context.newPage();
    await page.goto(`${demo.url}&relay=1`);
    const link = await page.locator('#share-link').getAttribute('href');
    expect(link).toContain('room=phone-');
    // The link and the code wait behind their button.
    await page.getByText('Share link and QR code').click();
    const qr = page.getByRole('img', { name: 'QR code of the share link' });
    expect(decodePng(await qr.screenshot())).toBe(link);
    // The test's demo is on loopback, which a phone cannot reach: the page says so.
    await expect(page.locator('#share-qr figcaption')).toHaveText(
      /A phone cannot open 127\.0\.0\.1/,
    );

    // A new room in the form gives a new link and a new code.
    await page.locator('#room').fill('another-room');
    await page.locator('#room').dispatchEvent('change');
    const changed = await page.locator('#share-link').getAttribute('href');
    expect(changed).toContain('room=another-room');
    expect(decodePng(await qr.screenshot())).toBe(changed);
  } finally {
    await context.close();
  }
});

test("coturn's TLS port relays for a browser that trusts the certificate", async () => {
  // Browsers check a TURN server's certificate on their own, whatever exception the page got: a
  // self-signed one is refused unless the device trusts it, which this flag stands in for.
  const options = chromiumLaunchOptions();
  const trusting = await chromium.launch({
    ...options,
    args: [...options.args, '--ignore-certificate-errors'],
  });
  try {
    const page = await trusting.newPage();
    await page.goto(demo.url);
    const gathered = await page.evaluate(async () => {
      const answer = (await (await fetch('/ice')).json()) as { iceServers: RTCIceServer[] };
      const turn = answer.iceServers.find((server) => server.username)!;
      const urls = [turn.urls].flat().filter((url) => url.startsWith('turns:'));
      const pc = new RTCPeerConnection({
        iceServers: [{ ...turn, urls }],
        iceTransportPolicy: 'relay',
      });
      const candidates: string[] = [];
      pc.onicecandidate = (event) => {
        if (event.candidate?.candidate) candidates.push(event.candidate.candidate);
      };
      pc.createDataChannel('probe');
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        pc.onicegatheringstatechange = () => {
          if (pc.iceGatheringState !== 'complete') return;
          clearTimeout(timer);
          resolve();
        };
      });
      pc.close();
      return { urls, candidates };
    });
    expect(gathered.urls).toEqual([`turns:127.0.0.1:${demo.ports.turnsPort}?transport=tcp`]);
    expect(gathered.candidates.some((c) => / typ relay /.test(c))).toBe(true);
  } finally {
    await trusting.close();
  }
});

test('Ctrl-C stops coturn and the server and frees every port', async () => {
  const { port, turnPort, turnsPort } = demo.ports;
  await demo.interrupt();
  await expect(presentedFingerprint(port)).rejects.toThrow(/ECONNREFUSED/);
  await expect
    .poll(async () => [
      await canBind(port, 'tcp'),
      await canBind(turnPort, 'tcp'),
      await canBind(turnPort, 'udp'),
      await canBind(turnsPort, 'tcp'),
    ])
    .toEqual([true, true, true, true]);
});

test('the next start reuses the certificate (ICELANE_DEMO_HTTPS=1 does what --https does)', async () => {
  const before = fingerprintOnDisk();
  const again = await startHttpsDemo({
    command: ['bash', 'scripts/demo/run.sh'],
    env: { ICELANE_DEMO_HTTPS: '1' },
    certDir,
    startTimeoutMs: 30_000,
  });
  try {
    expect(again.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    expect(again.output()).toContain('self-signed, made on first use, reused');
    expect(fingerprintOnDisk()).toBe(before);
    expect(await presentedFingerprint(again.ports.port)).toBe(before);
  } finally {
    await again.interrupt();
  }
});
