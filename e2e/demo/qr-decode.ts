/**
 * Reading QR codes back the way a phone would, to check what the demo shows: from a screenshot
 * (PNG), or from the half-block characters the demo command prints in the terminal.
 */
import { createRequire } from 'node:module';
import type JsQR from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS whose types declare a default export; required, it is the function itself.
const jsQR = createRequire(import.meta.url)('jsqr') as typeof JsQR.default;

/** The text of the QR code in a PNG image, or `null` when none is found. */
export function decodePng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

/** The text of a QR code given as module rows (`true` for dark), drawn 4 pixels a module. */
export function decodeModules(rows: readonly (readonly boolean[])[]): string | null {
  const scale = 4;
  // A quiet zone of its own, so the rows need not carry one.
  const margin = 4;
  const width = Math.max(...rows.map((row) => row.length)) + 2 * margin;
  const height = rows.length + 2 * margin;
  const pixels = new Uint8ClampedArray(width * scale * height * scale * 4).fill(255);
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        const start = (((y + margin) * scale + dy) * width + (x + margin)) * scale * 4;
        for (let i = start; i < start + scale * 4; i += 4) pixels.fill(0, i, i + 3);
      }
    }),
  );
  return jsQR(pixels, width * scale, height * scale)?.data ?? null;
}

/** ANSI colour and style sequences, which the terminal QR code uses to force dark on light. */
// eslint-disable-next-line no-control-regex -- the escape character is what is matched
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * The module rows of the QR code printed in `output`: each character is two rows (▀ top dark,
 * ▄ bottom dark, █ both, space neither) after an indent of `indent` characters.
 */
export function terminalQrModules(output: string, indent = 4): boolean[][] {
  const lines = output.replace(ANSI, '').split('\n');
  const first = lines.findIndex((line) => /[▀▄█]/.test(line));
  const last = lines.findLastIndex((line) => /[▀▄█]/.test(line));
  if (first < 0) return [];
  const rows: boolean[][] = [];
  for (const line of lines.slice(first, last + 1)) {
    const cells = [...line.slice(indent)];
    rows.push(cells.map((c) => c === '▀' || c === '█'));
    rows.push(cells.map((c) => c === '▄' || c === '█'));
  }
  return rows;
}
