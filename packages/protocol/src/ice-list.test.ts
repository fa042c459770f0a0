import { describe, expect, it } from 'vitest';
import type { IceServer } from './events.js';
import {
  assembleIceServers,
  classifyIceUrl,
  hasTurn,
  onlyTurn,
  parseIceUrl,
  withoutTurn,
} from './ice-list.js';

const cred = { username: 'user', credential: 'pass' };
const urlsOf = (servers: IceServer[]) => servers.flatMap((server) => server.urls);

describe('parseIceUrl', () => {
  it.each([
    [
      'stun:stun.example.test',
      { scheme: 'stun', host: 'stun.example.test', port: 3478, transport: 'udp' },
    ],
    [
      'stuns:stun.example.test',
      { scheme: 'stuns', host: 'stun.example.test', port: 5349, transport: 'udp' },
    ],
    [
      'turn:10.0.0.1:80?transport=tcp',
      { scheme: 'turn', host: '10.0.0.1', port: 80, transport: 'tcp' },
    ],
    [
      'turn:turn.example.test',
      { scheme: 'turn', host: 'turn.example.test', port: 3478, transport: 'udp' },
    ],
    [
      'turns:turn.example.test:443?transport=tcp',
      { scheme: 'turns', host: 'turn.example.test', port: 443, transport: 'tls' },
    ],
    [
      'turn:[2001:db8::1]:3478',
      { scheme: 'turn', host: '[2001:db8::1]', port: 3478, transport: 'udp' },
    ],
  ])('parses %s', (url, parsed) => {
    expect(parseIceUrl(url)).toEqual(parsed);
  });

  it.each([
    ['another scheme', 'http://turn.example.test'],
    ['a URL with slashes', 'turn://turn.example.test'],
    ['no host', 'turn:'],
    ['port 0', 'turn:turn.example.test:0'],
    ['port out of range', 'turn:turn.example.test:70000'],
    ['a transport on STUN', 'stun:stun.example.test?transport=udp'],
    ['an unknown transport', 'turn:turn.example.test?transport=sctp'],
    ['another query', 'turn:turn.example.test?foo=bar'],
    ['a space', 'turn:turn example.test'],
    ['a leading dot', 'turn:.example.test'],
    ['a trailing dot', 'turn:example.test.'],
    ['a leading dash', 'turn:-example.test'],
    ['an empty label', 'turn:turn..example.test'],
    ['userinfo', 'turn:user@turn.example.test'],
  ])('refuses %s', (_what, url) => {
    expect(parseIceUrl(url)).toBeNull();
  });

  it('classifies by transport', () => {
    const classes = [
      'stun:a.test',
      'stuns:a.test',
      'turn:a.test',
      'turn:a.test?transport=tcp',
      'turns:a.test:443?transport=tcp',
    ].map((url) => classifyIceUrl(parseIceUrl(url)!));
    expect(classes).toEqual(['stun', 'stun', 'turn-udp', 'turn-tcp', 'turns']);
  });
});

describe('assembleIceServers', () => {
  it('keeps a small valid list as it is, credentials included', () => {
    const servers = [
      { urls: 'stun:stun.example.test' },
      { urls: ['turn:turn.example.test'], ...cred },
    ];
    expect(assembleIceServers(servers)).toEqual({
      iceServers: [{ urls: 'stun:stun.example.test' }, { urls: 'turn:turn.example.test', ...cred }],
      dropped: [],
    });
  });

  it('drops URLs on port 53', () => {
    const { iceServers, dropped } = assembleIceServers([
      { urls: ['stun:stun.example.test:53', 'stun:stun.example.test:3478'] },
      { urls: ['turn:turn.example.test:53?transport=udp', 'turn:turn.example.test:3478'], ...cred },
    ]);
    expect(urlsOf(iceServers)).toEqual([
      'stun:stun.example.test:3478',
      'turn:turn.example.test:3478',
    ]);
    expect(dropped).toEqual([
      { url: 'stun:stun.example.test:53', reason: 'port-53' },
      { url: 'turn:turn.example.test:53?transport=udp', reason: 'port-53' },
    ]);
  });

  it('rejects malformed URLs, whatever their type', () => {
    const { iceServers, dropped } = assembleIceServers([
      { urls: ['stun:ok.test', 'https://nope.test', ''] },
      { urls: [42 as unknown as string, 'turn:ok.test'], ...cred },
    ]);
    expect(urlsOf(iceServers)).toEqual(['stun:ok.test', 'turn:ok.test']);
    expect(dropped.map((entry) => [entry.url, entry.reason])).toEqual([
      ['https://nope.test', 'malformed'],
      ['', 'malformed'],
      ['42', 'malformed'],
    ]);
  });

  it('drops TURN URLs without a username and credential', () => {
    const { iceServers, dropped } = assembleIceServers([
      { urls: ['stun:ok.test', 'turn:nocred.test'] },
      { urls: 'turns:half.test', username: 'only-user' },
    ]);
    expect(urlsOf(iceServers)).toEqual(['stun:ok.test']);
    expect(dropped).toEqual([
      { url: 'turn:nocred.test', reason: 'no-credentials' },
      { url: 'turns:half.test', reason: 'no-credentials' },
    ]);
  });

  it('de-duplicates the same server written differently, keeping the first spelling', () => {
    const { iceServers, dropped } = assembleIceServers([
      {
        urls: ['stun:Stun.Example.test', ' stun:stun.example.test:3478 ', 'stun:stun.example.test'],
      },
      { urls: ['turn:turn.example.test', 'turn:turn.example.test:3478?transport=udp'], ...cred },
      { urls: 'turn:turn.example.test', ...cred },
    ]);
    expect(urlsOf(iceServers)).toEqual(['stun:Stun.Example.test', 'turn:turn.example.test']);
    expect(dropped.map((entry) => entry.reason)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
  });

  it('keeps the same URL under different credentials', () => {
    const { iceServers } = assembleIceServers([
      { urls: 'turn:turn.example.test', username: 'a', credential: '1' },
      { urls: 'turn:turn.example.test', username: 'b', credential: '2' },
    ]);
    expect(iceServers).toHaveLength(2);
  });

  it('caps at 4 URLs by default, one per transport, TURNS on 443 preferred', () => {
    const { iceServers, dropped } = assembleIceServers([
      { urls: ['stun:a.test', 'stun:b.test', 'stun:c.test'] },
      {
        urls: [
          'turn:t.test:3478?transport=udp',
          'turn:t.test:80?transport=udp',
          'turns:t.test:5349?transport=tcp',
          'turns:t.test:443?transport=tcp',
          'turn:t.test:3478?transport=tcp',
        ],
        ...cred,
      },
    ]);
    expect(iceServers).toEqual([
      { urls: 'stun:a.test' },
      {
        urls: [
          'turn:t.test:3478?transport=udp',
          'turns:t.test:443?transport=tcp',
          'turn:t.test:3478?transport=tcp',
        ],
        ...cred,
      },
    ]);
    expect(
      dropped.filter((entry) => entry.reason === 'over-cap').map((entry) => entry.url),
    ).toEqual([
      'stun:b.test',
      'stun:c.test',
      'turn:t.test:80?transport=udp',
      'turns:t.test:5349?transport=tcp',
    ]);
  });

  it('fills the cap in order once every transport is covered', () => {
    const { iceServers } = assembleIceServers(
      [{ urls: ['stun:a.test', 'stun:b.test', 'stun:c.test'] }, { urls: 'turn:t.test', ...cred }],
      { maxUrls: 3 },
    );
    expect(urlsOf(iceServers)).toEqual(['stun:a.test', 'stun:b.test', 'turn:t.test']);
  });

  it('prefers TURN diversity over extra STUN under a small cap', () => {
    const { iceServers } = assembleIceServers(
      [
        { urls: ['stun:a.test', 'stun:b.test'] },
        { urls: ['turn:t.test?transport=tcp', 'turn:t.test?transport=udp'], ...cred },
      ],
      { maxUrls: 2 },
    );
    expect(urlsOf(iceServers)).toEqual(['stun:a.test', 'turn:t.test?transport=udp']);
  });

  it('keeps a TURNS URL on 443 under any cap, as the one path through a TCP-443-only firewall', () => {
    const servers = [
      { urls: ['stun:a.test'] },
      {
        urls: [
          'turn:t.test:3478?transport=udp',
          'turn:t.test:3478?transport=tcp',
          'turns:t.test:5349',
          'turns:t.test:443?transport=tcp',
        ],
        ...cred,
      },
    ];
    for (const maxUrls of [1, 2, 3, 4, 5]) {
      const urls = urlsOf(assembleIceServers(servers, { maxUrls }).iceServers);
      expect(urls).toHaveLength(maxUrls);
      expect(urls).toContain('turns:t.test:443?transport=tcp');
    }
    expect(urlsOf(assembleIceServers(servers, { maxUrls: 2 }).iceServers)).toEqual([
      'stun:a.test',
      'turns:t.test:443?transport=tcp',
    ]);
    // Without one on 443, TURNS takes its turn after the other transports as before.
    const no443 = [servers[0]!, { urls: ['turn:t.test:3478', 'turns:t.test:5349'], ...cred }];
    expect(urlsOf(assembleIceServers(no443, { maxUrls: 2 }).iceServers)).toEqual([
      'stun:a.test',
      'turn:t.test:3478',
    ]);
  });

  it('returns an empty list when nothing is usable', () => {
    expect(assembleIceServers([{ urls: 'turn:t.test:53' }]).iceServers).toEqual([]);
  });
});

describe('TURN filters', () => {
  const servers: IceServer[] = [
    { urls: ['stun:a.test', 'turn:t.test'], ...cred },
    { urls: 'TURNS:t.test:443', ...cred },
    { urls: 'stun:b.test' },
  ];

  it('tells whether a list holds TURN', () => {
    expect(hasTurn(servers)).toBe(true);
    expect(hasTurn([{ urls: ['stun:a.test'] }])).toBe(false);
    expect(hasTurn([])).toBe(false);
  });

  it('keeps only STUN for a direct attempt', () => {
    expect(withoutTurn(servers)).toEqual([
      { urls: 'stun:a.test', ...cred },
      { urls: 'stun:b.test' },
    ]);
  });

  it('keeps only TURN, with its credentials, for a relay attempt', () => {
    expect(onlyTurn(servers)).toEqual([
      { urls: 'turn:t.test', ...cred },
      { urls: 'TURNS:t.test:443', ...cred },
    ]);
  });
});
