/**
 * The share link as a QR code beside it, so a phone joins the call by pointing its camera at the
 * laptop's screen; and a hint when the link is one a phone cannot use.
 */
import { encode } from 'uqr';

/** Light modules around the code; the standard asks for 4 so scanners find its edges. */
const QUIET_ZONE = 4;

/** The QR code of `text` as rows of modules, `true` for dark, quiet zone included. */
export function qrModules(text: string): boolean[][] {
  // Level M survives a screen's glare and a phone held at an angle; a share link stays small.
  return encode(text, { ecc: 'M', border: QUIET_ZONE }).data;
}

/** One SVG path drawing every dark module as a 1×1 square, in module units. */
export function qrPath(modules: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      // A horizontal run of dark modules is one rectangle: shorter paths, no hairline seams.
      const start = x;
      while (row[x]) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return parts.join('');
}

/** A standalone SVG of `text`'s QR code, dark on white whatever the page's colour scheme. */
export function qrSvg(text: string): string {
  const modules = qrModules(text);
  const size = modules.length;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/>` +
    `<path fill="#000" d="${qrPath(modules)}"/></svg>`
  );
}

/**
 * Why a phone could not use this link, or `null` when it can: a loopback address is the phone
 * itself, and over plain http a phone's browser gives the page no camera or microphone.
 */
export function phoneHint(href: string): string | null {
  const { protocol, hostname } = new URL(href);
  const loopback = hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
  if (loopback) {
    return `A phone cannot open ${hostname}: that is the phone itself. Open this page at this machine's network address, which npm run demo -- --https prints.`;
  }
  if (protocol === 'http:') {
    return 'Over plain http a phone gets no camera or microphone here. Start the demo with npm run demo -- --https.';
  }
  return null;
}

/** Draws the QR code of `href` into `figure` (an `<svg>` and a caption) and the hint, if any. */
export function renderShareQr(figure: HTMLElement, href: string): void {
  if (figure.dataset.href === href) return;
  figure.dataset.href = href;
  const hint = phoneHint(href);
  figure.innerHTML = qrSvg(href);
  const svg = figure.querySelector('svg')!;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'QR code of the share link');
  const caption = document.createElement('figcaption');
  caption.textContent = hint ?? 'Scan with a phone to join this room.';
  if (hint) caption.className = 'hint';
  figure.append(caption);
}
