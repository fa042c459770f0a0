import { describe, expect, it } from 'vitest';
import { checksProgress, extractSelectedPair, normalizeCandidateType } from './candidate-report.js';
import { buildConnectionReport } from './report-monitor.js';
import {
  chromeChecksSilent,
  chromePrflxToRelay,
  chromeRelayTcp,
  chromeSrflx,
  firefoxLegacyTypes,
  firefoxRelayToPrflx,
  firefoxSignaledRelayAfterPrflx,
  safariHost,
  safariRelayTls,
  statsOf,
} from '../test/stats-fixtures.js';
import {
  chromiumHostAsPrflx,
  chromiumMovedDirect,
  chromiumRelayAsPrflx,
  chromiumRelayFirst,
  chromiumRelayOnly,
  firefoxRelayFirst,
} from '../test/relay-first-fixtures.js';

describe('selected pair extraction', () => {
  it('follows the transport to the selected pair in Chrome, relayed when the local end is relay', () => {
    expect(extractSelectedPair(statsOf(chromePrflxToRelay))).toEqual({
      pairId: 'CPa1b2_c3d4',
      local: {
        type: 'relay',
        protocol: 'udp',
        relayProtocol: 'udp',
        url: 'turn:203.0.113.10:3478?transport=udp',
        family: 'ipv4',
      },
      // Chrome hides a prflx candidate's address: no family to tell.
      remote: { type: 'prflx', protocol: 'udp' },
      relayed: true,
      rttMs: 4,
    });
  });

  it('reports a srflx pair as direct and leaves the STUN url out', () => {
    const pair = extractSelectedPair(statsOf(chromeSrflx));
    expect(pair).toMatchObject({ relayed: false, rttMs: 31 });
    expect(pair?.local).toEqual({ type: 'srflx', protocol: 'udp', family: 'ipv4' });
  });

  it('reads relayProtocol tcp and tls', () => {
    expect(extractSelectedPair(statsOf(chromeRelayTcp))?.local.relayProtocol).toBe('tcp');
    expect(extractSelectedPair(statsOf(safariRelayTls))?.local).toEqual({
      type: 'relay',
      protocol: 'udp',
      relayProtocol: 'tls',
      url: 'turns:turn.example.com:443?transport=tcp',
    });
  });

  it('finds the pair Firefox flags as selected and derives RTT from the totals', () => {
    expect(extractSelectedPair(statsOf(firefoxRelayToPrflx))).toEqual({
      pairId: '{7a1c}',
      local: { type: 'relay', protocol: 'udp', relayProtocol: 'udp', family: 'ipv4' },
      remote: { type: 'prflx', protocol: 'udp', family: 'ipv4' },
      relayed: true,
      rttMs: 30,
      // Firefox shows the address: the signaled candidate behind it may still come.
      remoteUnsignaled: true,
    });
  });

  it('reports the signaled type of a remote end Firefox first learned as peer-reflexive', () => {
    expect(extractSelectedPair(statsOf(firefoxSignaledRelayAfterPrflx))).toMatchObject({
      pairId: '9f5838dc',
      local: { type: 'relay' },
      remote: { type: 'relay', protocol: 'udp' },
      relayed: true,
    });
  });

  it('keeps prflx when no signaled candidate has that address and port', () => {
    const prflxOnly = firefoxSignaledRelayAfterPrflx.filter((e) => e.id !== 'a0f8ef55');
    expect(extractSelectedPair(statsOf(prflxOnly))?.remote.type).toBe('prflx');
    // Chrome hides a prflx candidate's address: nothing to match it with.
    const hidden = firefoxSignaledRelayAfterPrflx.map((e) =>
      e.id === '15b00a52' ? { ...e, address: '' } : e,
    );
    expect(extractSelectedPair(statsOf(hidden))?.remote.type).toBe('prflx');
  });

  it('counts a pair as relayed when only the remote end is relay', () => {
    const pair = extractSelectedPair(statsOf(firefoxLegacyTypes));
    expect(pair).toMatchObject({
      local: { type: 'srflx' },
      remote: { type: 'relay' },
      relayed: true,
    });
  });

  it('reads Safari through the transport like Chrome', () => {
    expect(extractSelectedPair(statsOf(safariHost))).toMatchObject({
      pairId: 'RTCIceCandidatePair_Ab_Cd',
      local: { type: 'host' },
      remote: { type: 'host' },
      relayed: false,
      rttMs: 1,
    });
  });

  it('sees a direct pair in sight of a relayed one: the far side reached it, and it ranks higher', () => {
    // Chromium: the far side's check came in on the direct pair (its own check still on its way).
    expect(extractSelectedPair(statsOf(chromiumRelayFirst))).toMatchObject({
      relayed: true,
      directInSight: true,
    });
    // Firefox: its own check on the direct pair was answered; a relayed pair above is no move off
    // the relay.
    expect(extractSelectedPair(statsOf(firefoxRelayFirst))).toMatchObject({
      pairId: 'P2',
      relayed: true,
      directInSight: true,
    });
    const relayedAbove = firefoxRelayFirst.filter((entry) => entry.id !== 'P1');
    expect(extractSelectedPair(statsOf(relayedAbove))?.directInSight).toBeUndefined();
    // A pair checked but never heard, a direct pair ranked lower, a pair already direct: none.
    expect(extractSelectedPair(statsOf(chromiumRelayOnly))?.directInSight).toBeUndefined();
    const ranksLower = chromiumRelayFirst.map((e) =>
      e.id === 'CPdirect' ? { ...e, priority: 1 } : e,
    );
    expect(extractSelectedPair(statsOf(ranksLower))?.directInSight).toBeUndefined();
    expect(extractSelectedPair(statsOf(chromiumMovedDirect))).toMatchObject({ relayed: false });
    expect(extractSelectedPair(statsOf(chromiumMovedDirect))?.directInSight).toBeUndefined();
  });

  it("reads the far side's relay learned from its check (prflx, its relay priority) as a relay", () => {
    // Chromium keeps a prflx end until the signaled candidate arrives (NAT lab: 34 ms later); a
    // report read first said direct, and the server counted the call so.
    expect(extractSelectedPair(statsOf(chromiumRelayAsPrflx))).toMatchObject({
      remote: { type: 'relay', protocol: 'udp' },
      relayed: true,
    });
    expect(extractSelectedPair(statsOf(chromiumHostAsPrflx))).toMatchObject({
      remote: { type: 'prflx' },
      relayed: false,
    });
  });

  it('keeps a prflx end whose priority is 0 as prflx: 0 is no priority, not a relay preference', () => {
    const zeroPriority = chromiumRelayAsPrflx.map((entry) =>
      entry.id === 'Rprflx' ? { ...entry, priority: 0 } : entry,
    );
    expect(extractSelectedPair(statsOf(zeroPriority))).toMatchObject({
      remote: { type: 'prflx' },
      relayed: false,
    });
  });

  it('returns nothing while no pair is selected', () => {
    expect(extractSelectedPair(statsOf(chromeChecksSilent))).toBeUndefined();
    expect(extractSelectedPair(statsOf([]))).toBeUndefined();
  });

  it('normalizes candidate types and rejects unknown ones', () => {
    expect(normalizeCandidateType('peerreflexive')).toBe('prflx');
    expect(normalizeCandidateType('relay')).toBe('relay');
    expect(normalizeCandidateType('bogus')).toBeUndefined();
    expect(normalizeCandidateType(undefined)).toBeUndefined();
  });
});

describe('checks progress', () => {
  it('sees pairs checking without any response', () => {
    expect(checksProgress(statsOf(chromeChecksSilent))).toEqual({
      pairs: 2,
      failedPairs: 1,
      responsesReceived: 0,
    });
  });

  it('counts responses on a connected pair', () => {
    expect(checksProgress(statsOf(chromePrflxToRelay)).responsesReceived).toBe(12);
  });
});

describe('connection report', () => {
  it('carries attempt, strategy and time to connect with the selected pair', () => {
    const selected = extractSelectedPair(statsOf(chromePrflxToRelay))!;
    const report = buildConnectionReport(selected, {
      peerId: 'p2',
      attempt: 2,
      strategy: 'auto',
      turnOnDemand: false,
      timeToConnectMs: 812.4,
    });
    expect(report).toEqual({
      peerId: 'p2',
      attempt: 2,
      strategy: 'auto',
      local: selected.local,
      remote: selected.remote,
      relayed: true,
      timeToConnectMs: 812,
      rttMs: 4,
    });
  });

  it('carries the phases of the attempt that connected', () => {
    const selected = extractSelectedPair(statsOf(chromeSrflx))!;
    const phases = { signalingMs: 30, checksMs: 210, dtlsMs: 40, dataChannelMs: 6, totalMs: 290 };
    const report = buildConnectionReport(selected, {
      peerId: 'p2',
      attempt: 1,
      strategy: 'direct',
      turnOnDemand: false,
      timeToConnectMs: 301,
      phases,
    });
    expect(report.phases).toEqual(phases);
  });

  it("carries this side's address families when it saw any, and a relay's own family", () => {
    const relayed = extractSelectedPair(statsOf(chromePrflxToRelay))!;
    const context = { peerId: 'p2', attempt: 1, strategy: 'auto', turnOnDemand: false } as const;
    // An IPv6-only phone (NAT64): its own addresses IPv6, the relay it was given IPv4.
    const phone = buildConnectionReport(relayed, {
      ...context,
      timeToConnectMs: 400,
      localAddressFamilies: ['ipv6'],
    });
    expect(phone).toMatchObject({
      local: { type: 'relay', family: 'ipv4' },
      localAddressFamilies: ['ipv6'],
    });
    // mDNS names only: nothing known, nothing said.
    const hidden = buildConnectionReport(relayed, {
      ...context,
      timeToConnectMs: 400,
      localAddressFamilies: [],
    });
    expect(hidden).not.toHaveProperty('localAddressFamilies');
  });

  it('tells the family of an IPv6 candidate', () => {
    const ipv6 = chromeSrflx.map((entry) =>
      entry.type === 'local-candidate' ? { ...entry, address: '2001:db8::2' } : entry,
    );
    expect(extractSelectedPair(statsOf(ipv6))?.local.family).toBe('ipv6');
  });
});
