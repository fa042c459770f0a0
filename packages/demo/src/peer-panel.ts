/**
 * One remote peer: its video tile and a connection panel read at a glance — state (with progress
 * while connecting), attempt and strategy, the selected pair as badges, time to connect, RTT over
 * time, and a log that says when the call fell back to a relay.
 */
import type { CandidateSummary } from '@icelane/protocol';
import type { CallQuality } from '@icelane/sdk';
import type { PeerView } from './demo-state.js';
import { formatDuration, h, redraw, setText } from './dom.js';
import { createSparkline } from './sparkline.js';

export interface PeerPanel {
  element: HTMLElement;
  video: HTMLVideoElement;
  setStream(stream: MediaStream): void;
  render(view: PeerView, strategy: string): void;
}

const LOG_LINES_SHOWN = 6;

export function createPeerPanel(view: PeerView): PeerPanel {
  const video = h('video', { autoplay: '', playsinline: '', 'data-peer-video': view.peerId });
  const placeholder = h('div', { class: 'no-video' }, 'no video');
  const title = h('strong', {});
  const stateBadge = h('span', { class: 'state' });
  const qualityBadge = h('span', { class: 'quality' });
  const progress = h('div', { class: 'progress' }, h('div', {}));
  const attempt = h('div', { class: 'attempt' });
  const pair = h('div', { class: 'badges pair' });
  const connectTime = h('span', { class: 'connect-time' });
  const rttValue = h('span', {
    class: 'rtt-value',
    title:
      'RTT: a ping over the data channel, plotted below. ICE: the selected pair, measured by the browser.',
  });
  const sparkline = createSparkline({ samples: 30 });
  const log = h('ul', { class: 'log' });

  const element = h(
    'article',
    { class: 'peer', 'data-peer-id': view.peerId },
    h('div', { class: 'tile' }, video, placeholder),
    h(
      'div',
      { class: 'panel' },
      h('header', {}, title, qualityBadge, stateBadge),
      progress,
      attempt,
      pair,
      h('div', { class: 'figures' }, h('span', {}, 'connect ', connectTime), rttValue),
      sparkline.element,
      log,
    ),
  );

  return {
    element,
    video,
    setStream(stream) {
      if (video.srcObject === stream) return;
      video.srcObject = stream;
      placeholder.hidden = stream.getVideoTracks().length > 0;
      // Autoplay with sound needs a user gesture; the join click usually is one, and when it is
      // not, a muted video is better than a frozen one.
      video.play().catch(() => {
        video.muted = true;
        void video.play().catch(() => {});
      });
    },
    render(next, strategy) {
      setText(title, next.name ? `${next.name} (${short(next.peerId)})` : short(next.peerId));
      element.dataset.state = next.state;
      element.dataset.attempt = String(next.attempt);
      element.dataset.relayed = next.report ? String(next.report.relayed) : '';
      setText(stateBadge, next.state);
      stateBadge.className = `state state-${next.state}`;
      qualityBadge.hidden = next.quality === null;
      qualityBadge.dataset.quality = next.quality?.rating ?? '';
      setText(qualityBadge, next.quality ? describeQuality(next.quality) : '');
      progress.hidden = !['connecting', 'retrying', 'reconnecting'].includes(next.state);
      setText(
        attempt,
        [
          `attempt ${next.attempt}`,
          `strategy ${strategy}`,
          next.policy ? `policy ${next.policy}` : null,
          next.report?.turnOnDemand ? 'TURN on demand' : null,
        ]
          .filter(Boolean)
          .join(' · '),
      );
      const { report } = next;
      const pairShown = report ? [report.local, report.remote, report.relayed] : null;
      redraw(pair, JSON.stringify(pairShown), () => pairBadges(next));
      setText(connectTime, next.report ? formatDuration(next.report.timeToConnectMs) : '—');
      const last = next.rttMs.at(-1);
      setText(
        rttValue,
        [
          `RTT ${last === undefined ? '—' : `${Math.round(last)} ms`}`,
          next.iceRttMs === null ? null : `ICE ${Math.round(next.iceRttMs)} ms`,
        ]
          .filter(Boolean)
          .join(' · '),
      );
      sparkline.update(next.rttMs);
      const lines = next.log.slice(-LOG_LINES_SHOWN);
      redraw(log, JSON.stringify(lines), () => lines.map((line) => h('li', {}, line)));
    },
  };
}

/** The rating, and which way and why when it is not excellent: "poor · in: loss, jitter". */
function describeQuality(quality: CallQuality): string {
  const ways = [
    ['in', quality.receiving.causes],
    ['out', quality.sending.causes],
  ] as const;
  const why = ways.filter(([, causes]) => causes.length > 0);
  return [quality.rating, ...why.map(([way, causes]) => `${way}: ${causes.join(', ')}`)].join(
    ' · ',
  );
}

function pairBadges(view: PeerView): HTMLElement[] {
  const report = view.report;
  if (!report) return [h('span', { class: 'badge muted' }, 'no pair yet')];
  return [
    ...endBadges('local', report.local),
    h('span', { class: 'arrow' }, '⇄'),
    ...endBadges('remote', report.remote),
    report.relayed
      ? h('span', { class: 'badge relayed', 'data-relayed': 'true' }, 'relayed')
      : h('span', { class: 'badge direct', 'data-relayed': 'false' }, 'direct'),
  ];
}

function endBadges(end: 'local' | 'remote', c: CandidateSummary): HTMLElement[] {
  return [
    h(
      'span',
      { class: `badge type-${c.type}`, 'data-end': end, 'data-candidate-type': c.type },
      `${end} ${c.type}`,
    ),
    h('span', { class: 'badge proto' }, c.protocol),
    c.relayProtocol
      ? h(
          'span',
          { class: 'badge proto', title: 'how the relay candidate reaches its TURN server' },
          `via ${c.relayProtocol}`,
        )
      : null,
  ].filter((badge): badge is HTMLSpanElement => badge !== null);
}

function short(peerId: string): string {
  return peerId.length > 8 ? peerId.slice(0, 8) : peerId;
}
