import { describe, expect, it } from 'vitest';
import { randomRoomName, readDemoParams, writeDemoParams } from './params.js';

describe('demo URL parameters', () => {
  it('reads the room, the toggles and the server from the query', () => {
    const params = readDemoParams(
      'http://127.0.0.1:8080/?room=standup&relay=1&ondemand=true&server=http://10.0.0.5:9000&name=Ada',
    );
    expect(params).toEqual({
      room: 'standup',
      name: 'Ada',
      relay: true,
      onDemand: true,
      server: 'http://10.0.0.5:9000',
    });
  });

  it('talks to its own origin with both toggles off when the query says nothing', () => {
    expect(readDemoParams('https://demo.example/call')).toEqual({
      room: '',
      name: '',
      relay: false,
      onDemand: false,
      server: 'https://demo.example',
    });
  });

  it('treats relay=0 as off', () => {
    expect(readDemoParams('http://h/?relay=0').relay).toBe(false);
  });

  it('writes a shareable link that reproduces the room and toggles but not the name', () => {
    const href = writeDemoParams('http://127.0.0.1:8080/?name=Ada&relay=1', {
      room: 'standup',
      name: 'Ada',
      relay: false,
      onDemand: true,
      server: 'http://127.0.0.1:8080',
    });
    const url = new URL(href);
    expect(url.searchParams.get('room')).toBe('standup');
    expect(url.searchParams.has('relay')).toBe(false);
    expect(url.searchParams.get('ondemand')).toBe('1');
    expect(url.searchParams.has('server')).toBe(false);
    expect(url.searchParams.has('name')).toBe(false);
    expect(readDemoParams(href)).toMatchObject({ room: 'standup', relay: false, onDemand: true });
  });

  it('keeps a foreign server in the link', () => {
    const href = writeDemoParams('http://localhost:5173/', {
      room: 'r',
      name: '',
      relay: true,
      onDemand: false,
      server: 'http://127.0.0.1:8080',
    });
    expect(readDemoParams(href)).toMatchObject({ server: 'http://127.0.0.1:8080', relay: true });
  });

  it('makes random room names that are valid room names', () => {
    const names = new Set(Array.from({ length: 50 }, () => randomRoomName()));
    expect(names.size).toBeGreaterThan(45);
    for (const name of names) expect(name).toMatch(/^room-[0-9a-z]{6}$/);
    expect(randomRoomName(() => 0)).toBe('room-000000');
  });
});
