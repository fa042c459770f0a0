import { afterEach, describe, expect, it } from 'vitest';
import { disconnectAll, joined, request } from '../support/clients.js';
import { closeAll, startTestServer, type TestServer } from '../support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

/** `icelane_rooms` as a Prometheus scrape of `/metrics` reads it. */
async function scrapedRooms(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = /^icelane_rooms (\d+)$/m.exec(text);
  if (!line) throw new Error('icelane_rooms is missing from /metrics');
  return Number(line[1]);
}

describe('the rooms gauge', () => {
  it('counts the rooms with a peer on this node at each scrape, through joins, leaves and disconnects', async () => {
    const server = await startTestServer();
    expect(await scrapedRooms(server)).toBe(0);

    const ada = await joined(server.url, 'a');
    await joined(server.url, 'a');
    const grace = await joined(server.url, 'b');
    expect(await scrapedRooms(server)).toBe(2);

    expect(await request(grace.socket, 'room:leave')).toEqual({ data: { left: true } });
    expect(await scrapedRooms(server)).toBe(1);

    // A disconnect leaves as a leave does: room `c`'s only peer goes, and the room with it.
    const cy = await joined(server.url, 'c');
    expect(await scrapedRooms(server)).toBe(2);
    cy.socket.disconnect();
    await expect.poll(() => scrapedRooms(server)).toBe(1);

    // Room `a` keeps its other peer.
    ada.socket.disconnect();
    await expect.poll(() => server.counter('icelane_connected_sockets')).toBe(2);
    expect(await scrapedRooms(server)).toBe(1);
    disconnectAll();
    await expect.poll(() => scrapedRooms(server)).toBe(0);
  });
});
