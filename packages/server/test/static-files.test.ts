import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawGet } from './support/http.js';
import { closeAll, startTestServer, type TestServer } from './support/server.js';

let base: string;
let server: TestServer;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'icelane-static-'));
  const page = join(base, 'page');
  await mkdir(join(page, 'assets'), { recursive: true });
  await writeFile(join(page, 'index.html'), '<!doctype html><title>icelane</title>');
  await writeFile(join(page, 'assets', 'app.js'), 'console.log("hi");');
  await writeFile(join(base, 'outside.txt'), 'not for the web');
  await symlink(join(base, 'outside.txt'), join(page, 'escape.txt'));
  server = await startTestServer({ options: { staticDir: page } });
});

afterEach(async () => {
  await closeAll();
  await rm(base, { recursive: true, force: true });
});

describe('the static page', () => {
  it('serves index.html at / and files by path with their content type', async () => {
    const index = await rawGet(server.port, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>icelane</title>');
    const script = await rawGet(server.port, '/assets/app.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toBe('console.log("hi");');
    const head = await rawGet(server.port, '/assets/app.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('falls back to index.html for page routes, but not for missing files', async () => {
    expect((await rawGet(server.port, '/room/standup?relay=1')).body).toContain('<title>');
    expect((await rawGet(server.port, '/assets/missing.js')).status).toBe(404);
  });

  it('keeps the API routes ahead of the page', async () => {
    expect((await rawGet(server.port, '/healthz')).body).toBe('{"status":"ok"}');
  });

  it('never serves a file outside its directory', async () => {
    for (const path of [
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/..%2foutside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/%2e%2e%5coutside.txt',
      '/escape.txt',
      '/index.html%00.js',
    ]) {
      const res = await rawGet(server.port, path);
      expect(res.body, path).not.toContain('not for the web');
      expect([400, 404], path).toContain(res.status);
    }
  });
});
