// Sizes of built JavaScript: minified bytes as written, gzip at level 9 and brotli at quality 11,
// each file compressed on its own (each is fetched on its own).
import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export function sizeOf(code) {
  const bytes = Buffer.from(code);
  return {
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
    }).length,
  };
}

/** Each file's sizes, and their sum. */
export async function sizeOfFiles(paths) {
  const files = [];
  for (const path of paths) files.push({ file: basename(path), ...sizeOf(await readFile(path)) });
  const sum = (key) => files.reduce((total, file) => total + file[key], 0);
  return { files, minified: sum('minified'), gzip: sum('gzip'), brotli: sum('brotli') };
}
