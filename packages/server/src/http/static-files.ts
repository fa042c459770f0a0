/**
 * Serves a built page (the demo, the browser test pages) from one directory, never outside it.
 */
import { createReadStream, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Serves `pathname` from the directory; resolves `false` when there is nothing to serve. */
export type StaticHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) => Promise<boolean>;

export function createStaticHandler(dir: string): StaticHandler {
  // Resolved once: a symlink inside the directory may not lead out of it.
  const root = realpathSync(dir);

  const locate = async (pathname: string): Promise<string | null> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) return null;
    const candidate = resolve(root, '.' + decoded);
    if (!isInside(root, candidate)) return null;
    const found = await fileAt(root, candidate);
    if (found) return found;
    // A route of a single-page app (no extension) gets the page; a missing asset gets a 404.
    return extname(decoded) === '' ? fileAt(root, join(root, 'index.html')) : null;
  };

  return async (req, res, pathname) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const file = await locate(pathname);
    if (!file) return false;
    const info = await stat(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((done, fail) => {
      const stream = createReadStream(file);
      stream.once('error', fail);
      res.once('close', () => {
        stream.destroy();
        done();
      });
      stream.pipe(res);
    });
    return true;
  };
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** The real path of a regular file at `path` (a directory's `index.html`) inside `root`. */
async function fileAt(root: string, path: string): Promise<string | null> {
  try {
    let real = await realpath(path);
    if (!isInside(root, real)) return null;
    let info = await stat(real);
    if (info.isDirectory()) {
      real = await realpath(join(real, 'index.html'));
      if (!isInside(root, real)) return null;
      info = await stat(real);
    }
    return info.isFile() ? real : null;
  } catch {
    return null;
  }
}
