#!/usr/bin/env node
/**
 * Prints the QR code of a text (the demo's URL) for a phone to scan off the terminal:
 *
 *   node packages/demo/scripts/terminal-qr.mjs <text> [indent]
 *
 * Two module rows per line with half blocks (▀ ▄ █), so modules come out about square. Forced
 * black on white with ANSI colours, because most terminals are dark and many phone scanners read
 * only dark-on-light codes; NO_COLOR drops the colours (the code then reads on light terminals).
 */
import { encode } from 'uqr';

const [text, indent = '    '] = process.argv.slice(2);
if (!text) {
  process.stderr.write('usage: terminal-qr.mjs <text> [indent]\n');
  process.exit(2);
}

// Level M survives a glossy screen; a quiet zone of 4 is what scanners need to find the code.
const rows = encode(text, { ecc: 'M', border: 4 }).data;
const colour = !process.env.NO_COLOR;
const [start, end] = colour ? ['\x1b[30;107m', '\x1b[0m'] : ['', ''];
const lines = [];
for (let y = 0; y < rows.length; y += 2) {
  const top = rows[y];
  const bottom = rows[y + 1] ?? top.map(() => false);
  const cells = top.map((dark, x) => {
    if (dark && bottom[x]) return '█';
    if (dark) return '▀';
    return bottom[x] ? '▄' : ' ';
  });
  lines.push(indent + start + cells.join('') + end);
}
process.stdout.write(lines.join('\n') + '\n');
