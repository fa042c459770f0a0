/** The ICE servers this page received from the server, credentials masked, with their expiry. */
import type { IceSummary } from './ice-servers.js';
import { h, redraw, setText } from './dom.js';

/**
 * `strategy` is the page's: with Force relay the first attempt uses policy `relay` whatever the
 * server recommends, and the panel says what the calls use, as each peer's panel does.
 */
export function renderIcePanel(
  target: HTMLElement,
  summary: IceSummary | null,
  strategy: 'auto' | 'relay',
): void {
  if (!summary) {
    redraw(target, 'none', () => [
      h('p', { class: 'muted' }, 'Join a room to receive ICE servers.'),
    ]);
    return;
  }
  target.dataset.turn = String(summary.turn);
  // The expiry's text changes as time passes (every second in its last minute): it is rewritten
  // alone, and the table is redrawn only for new servers.
  const { expiry, ...shown } = summary;
  redraw(target, JSON.stringify([shown, strategy]), () => [
    h(
      'p',
      {},
      summary.turn ? 'STUN and TURN' : 'STUN only: the server has no TURN credentials to hand out',
      ` · first policy ${strategy === 'relay' ? 'relay (Force relay)' : summary.policy}`,
      ' · credentials ',
      h('span', { class: 'ice-expiry' }),
    ),
    ...(summary.ipv4LiteralsOnly
      ? [
          h(
            'p',
            { class: 'warning', 'data-warning': 'ipv4-literals' },
            'Every server is an IPv4 literal: phones on IPv6-only networks (iOS on NAT64) cannot reach them. Give them a host name.',
          ),
        ]
      : []),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'url'), h('th', {}, 'username'), h('th', {}, 'credential')),
      ),
      h(
        'tbody',
        {},
        ...summary.rows.map((row) =>
          h(
            'tr',
            { 'data-kind': row.kind },
            h('td', {}, h('code', {}, row.url)),
            h('td', { class: 'short' }, row.username ?? '—'),
            h('td', { class: 'short' }, row.credential ?? '—'),
          ),
        ),
      ),
    ),
  ]);
  setText(target.querySelector<HTMLElement>('.ice-expiry')!, expiry);
}
