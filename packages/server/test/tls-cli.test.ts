/**
 * `ICELANE_TLS_CERT` / `ICELANE_TLS_KEY`: the CLI serves HTTPS and socket.io over TLS with the
 * given certificate, and refuses to start, naming the variable, when the pair is incomplete or bad.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '@icelane/testing';
import { runCli } from './support/cli-run.js';

const run = promisify(execFile);
let dir: string;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'icelane-tls-'));
  certFile = join(dir, 'cert.pem');
  keyFile = join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=icelane test',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GET over HTTPS trusting only the test certificate; the body and the certificate presented. */
function get(url: string, ca: string): Promise<{ status: number; body: string; cert: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cert }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The CLI on an ephemeral port of 127.0.0.1, run to its exit. */
function cli(env: Record<string, string>, signal: AbortSignal) {
  return runCli([], { PORT: '0', HOST: '127.0.0.1', ...env }, signal);
}

describe('icelane-server over TLS', () => {
  it('serves health and the socket.io handshake over HTTPS with the configured certificate', async () => {
    const server = await startServerProcess({
      env: { HOST: '127.0.0.1', ICELANE_TLS_CERT: certFile, ICELANE_TLS_KEY: keyFile },
    });
    try {
      const base = `https://127.0.0.1:${server.port}`;
      const ca = readFileSync(certFile, 'utf8');
      const health = await get(`${base}/healthz`, ca);
      expect(health.status).toBe(200);
      expect(health.cert).toBe(new X509Certificate(ca).fingerprint256);
      const handshake = await get(`${base}/socket.io/?EIO=4&transport=polling`, ca);
      expect(handshake.body).toMatch(/^0\{"sid":/);
      expect(server.logs.some((line) => line.includes('"tls":true'))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('refuses a certificate without its key, and a key without its certificate', async ({
    signal,
  }) => {
    const noKey = await cli({ ICELANE_TLS_CERT: certFile }, signal);
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toContain('ICELANE_TLS_KEY: required with ICELANE_TLS_CERT');
    const noCert = await cli({ ICELANE_TLS_KEY: keyFile }, signal);
    expect(noCert.status).toBe(1);
    expect(noCert.stderr).toContain('ICELANE_TLS_CERT: required with ICELANE_TLS_KEY');
  });

  it('names the variable whose file is missing or not PEM', async ({ signal }) => {
    const missing = await cli(
      { ICELANE_TLS_CERT: join(dir, 'absent.pem'), ICELANE_TLS_KEY: keyFile },
      signal,
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/ICELANE_TLS_CERT: cannot read ".*absent\.pem"/);
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a key\n');
    const bad = await cli({ ICELANE_TLS_CERT: certFile, ICELANE_TLS_KEY: garbage }, signal);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('ICELANE_TLS_CERT: not a usable PEM certificate and key pair');
  });
});
