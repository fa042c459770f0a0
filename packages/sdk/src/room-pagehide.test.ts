import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UsageReport } from '@icelane/protocol';
import { useFakeTimersPerTest } from '../test/fakes/fake-timers.js';
import type { FakeSocket } from '../test/fakes/fake-socket.js';
import { openRoom } from '../test/fakes/room-harness.js';
import { relayedStats } from '../test/stats-fixtures.js';
import { FINAL_READING_MS } from './usage-meter.js';

/** The page's `window`, as far as the room listens to it. */
const page = new EventTarget();
/** The `pagehide` listeners added to the page and not removed, each with its phase. */
let listening: Array<{ listener: EventListener; capture: boolean }> = [];

const captureOf = (options?: boolean | AddEventListenerOptions) =>
  typeof options === 'boolean' ? options : !!options?.capture;

/** What Firefox throws into a script it cancels: nothing the script can catch. */
const CANCELLED = new Error('script cancelled');

/**
 * The page goes away: a tab closed (`persisted: false`) or put in the back/forward cache. As a
 * browser does, a listener removed by an earlier one is not called; a cancelled one ends there.
 */
function hidePage(persisted: boolean): void {
  const event = Object.assign(new Event('pagehide'), { persisted });
  // At the window, capture listeners run before bubble ones, each in the order they were added.
  const inOrder = [...listening].sort((x, y) => Number(y.capture) - Number(x.capture));
  for (const entry of inOrder) {
    if (!listening.includes(entry)) continue;
    try {
      entry.listener(event);
    } catch (error) {
      if (error !== CANCELLED) throw error;
    }
  }
}

/** The server answers the `room:leave` the room sent without waiting. */
function answerLeave(socket: FakeSocket): void {
  const leave = socket.emitted.find((e) => e.event === 'room:leave');
  (leave!.args[0] as (answer: unknown) => void)({ data: { left: true } });
}

/** A room in a call to peer `a` relayed through this side's allocation, read for 10 s. */
async function relayedCall() {
  const harness = openRoom({ peers: [{ peerId: 'a' }] });
  await vi.advanceTimersByTimeAsync(0);
  const a = harness.peers.last();
  a._pc.stats = relayedStats(1_000, 2_000);
  a.connect();
  await vi.advanceTimersByTimeAsync(10_000);
  a._pc.stats = relayedStats(5_000, 9_000);
  // The meter reads a relayed call every second: this reading is the last one before the page goes.
  await vi.advanceTimersByTimeAsync(1_000);
  const sent = () => harness.socket.emitted.map(({ event }) => event);
  const usage = () =>
    harness.socket.emitted
      .filter((e) => e.event === 'connection:usage')
      .map((e) => e.args[0] as UsageReport);
  return { ...harness, a, sent, usage };
}

describe('a room whose page goes away', () => {
  useFakeTimersPerTest(1_000_000);
  beforeEach(() => {
    listening = [];
    const same = (listener: EventListener, options?: boolean) => (entry: (typeof listening)[0]) =>
      entry.listener === listener && entry.capture === captureOf(options);
    vi.stubGlobal(
      'addEventListener',
      (type: string, listener: EventListener, options?: boolean) => {
        if (type === 'pagehide' && !listening.some(same(listener, options))) {
          listening.push({ listener, capture: captureOf(options) });
        } else if (type !== 'pagehide') page.addEventListener(type, listener, options);
      },
    );
    vi.stubGlobal(
      'removeEventListener',
      (type: string, listener: EventListener, options?: boolean) => {
        if (type === 'pagehide') listening = listening.filter((e) => !same(listener, options)(e));
        else page.removeEventListener(type, listener, options);
      },
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each([false, true])(
    'leaves before the handler returns (persisted: %s): the last usage read as final, room:leave, then the connections close',
    async (persisted) => {
      const { socket, a, sent, usage } = await relayedCall();
      // A closing page answers no reading of the stats: the room must not wait for one.
      a._pc.getStats = () => new Promise(() => {});
      a._pc.stats = relayedStats(6_000, 9_500);
      // Between two readings: the time relayed since the last one counts too.
      await vi.advanceTimersByTimeAsync(600);
      const before = sent().length;
      let closedWhenLeaving: boolean | undefined;
      socket.emit = ((event: string, ...args: unknown[]) => {
        if (event === 'room:leave') closedWhenLeaving = a.destroying || a.destroyed;
        socket.emitted.push({ event: event as 'room:leave', args });
        return socket;
      }) as typeof socket.emit;

      hidePage(persisted);

      expect(sent().slice(before)).toEqual(['connection:usage', 'room:leave']);
      expect(usage().at(-1)).toEqual({
        peerId: 'a',
        attempt: 1,
        bytesSent: 5_000,
        bytesReceived: 9_000,
        relayedMs: 11_600,
        relayProtocol: 'udp',
        final: true,
      });
      expect(closedWhenLeaving).toBe(false);
      expect(a.destroyedBySdk).toBe(true);
      expect(socket.requestCount('room:leave')).toBe(0);
      // The server drops events of a socket that disconnected before it handled them.
      expect(socket.disconnects).toBe(0);
      answerLeave(socket);
      expect(socket.disconnects).toBe(1);
      expect(listening).toEqual([]);
      // Nothing more once the page is back: the connection's end reports no second final.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(sent().slice(before)).toEqual(['connection:usage', 'room:leave']);
    },
  );

  // Firefox cancels the script it finds running once it shuts the closed tab's process down: in
  // page-close.spec.ts, 1 close in 10 lost the usage and the leave when that was this listener.
  // Cut right after a write, the second run may send it again: the server counts a connection's
  // final report once (usage.ts) and answers a second leave `not-in-room` (leave.ts).
  it.each([
    ['before the usage is written', 'connection:usage', 'before', 1, 1],
    ['after the usage is written', 'connection:usage', 'after', 2, 1],
    ['before the leave is written', 'room:leave', 'before', 1, 1],
    ['after the leave is written', 'room:leave', 'after', 1, 2],
  ] as const)(
    'sends the final usage and the leave when Firefox cancels its first run %s',
    async (_, cutAt, when, usageReports, leaves) => {
      const { socket, sent, usage } = await relayedCall();
      const before = sent().length;
      const emit = socket.emit.bind(socket);
      let cut = false;
      socket.emit = ((event: 'room:leave', ...args: []) => {
        const cutNow = event === cutAt && !cut;
        cut ||= cutNow;
        if (cutNow && when === 'before') throw CANCELLED;
        emit(event, ...args);
        if (cutNow) throw CANCELLED;
        return socket;
      }) as typeof socket.emit;

      hidePage(false);

      expect(cut).toBe(true);
      const reports = Array<string>(usageReports).fill('connection:usage');
      const leaveEvents = Array<string>(leaves).fill('room:leave');
      expect(sent().slice(before)).toEqual([...reports, ...leaveEvents]);
      const final = { bytesSent: 5_000, bytesReceived: 9_000, relayedMs: 11_000, final: true };
      for (const report of usage().slice(-usageReports)) expect(report).toMatchObject(final);
      answerLeave(socket);
      expect(socket.disconnects).toBe(1);
      expect(listening).toEqual([]);
    },
  );

  // Cut inside engine.io-client's WebSocket write, after it marked the transport unwritable and
  // before it queued the microtask that marks it writable again, the transport stays unwritable
  // and holds every later packet: the second run's usage and leave never went out, in 1 Firefox
  // tab close in 30 under load (page-close.spec.ts).
  it('sends the final usage and the leave when the first run was cut inside the signaling write', async () => {
    const { socket, sent, usage } = await relayedCall();
    const transport = { name: 'websocket', writable: true };
    Object.assign(socket.io, { engine: { transport } });
    const emit = socket.emit.bind(socket);
    /** What engine.io holds while the transport is unwritable, sent with the next write. */
    const held: Array<[string, unknown[]]> = [];
    let cut = false;
    socket.emit = ((event: 'room:leave', ...args: []) => {
      held.push([event, args]);
      if (!transport.writable) return socket;
      if (!cut) {
        cut = true;
        transport.writable = false;
        throw CANCELLED;
      }
      for (const [each, eachArgs] of held.splice(0))
        emit(each as 'room:leave', ...(eachArgs as []));
      return socket;
    }) as typeof socket.emit;
    const before = sent().length;

    hidePage(false);

    expect(cut).toBe(true);
    // The cut write's usage goes again, before the second run's: the server counts one final.
    expect(sent().slice(before)).toEqual(['connection:usage', 'connection:usage', 'room:leave']);
    for (const report of usage().slice(-2)) {
      expect(report).toMatchObject({ bytesSent: 5_000, bytesReceived: 9_000, final: true });
    }
    answerLeave(socket);
    expect(socket.disconnects).toBe(1);
    expect(listening).toEqual([]);
  });

  it("runs after the app's own pagehide listeners added before it: they still find the call", async () => {
    let peersSeen: number | undefined;
    const call: Partial<Awaited<ReturnType<typeof relayedCall>>> = {};
    globalThis.addEventListener('pagehide', () => (peersSeen = call.room?.peers().length));
    Object.assign(call, await relayedCall());
    hidePage(false);
    expect(peersSeen).toBe(1);
  });

  it('disconnects within a second when the server does not answer the leave', async () => {
    const { socket } = await relayedCall();
    hidePage(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(socket.disconnects).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.disconnects).toBe(1);
    // A late answer changes nothing.
    answerLeave(socket);
    expect(socket.disconnects).toBe(1);
  });

  it("takes over the app's own leave() on pagehide, which a closing page leaves waiting for the stats", async () => {
    const { room, socket, a, sent, usage } = await relayedCall();
    a._pc.getStats = () => new Promise(() => {});
    const before = sent().length;
    let left = false;
    void room.leave().then(() => (left = true));
    hidePage(false);
    expect(sent().slice(before)).toEqual(['connection:usage', 'room:leave']);
    expect(usage().at(-1)).toMatchObject({ bytesSent: 5_000, bytesReceived: 9_000, final: true });
    answerLeave(socket);
    expect(socket.disconnects).toBe(1);
    // Its reading given up, the app's leave() ends without a second leave or report.
    await vi.advanceTimersByTimeAsync(FINAL_READING_MS);
    expect(left).toBe(true);
    expect(listening).toEqual([]);
    expect(sent().slice(before)).toEqual(['connection:usage', 'room:leave']);
    expect(socket.requestCount('room:leave')).toBe(0);
    expect(socket.disconnects).toBe(1);
  });

  it('does nothing more when the app left first', async () => {
    const { room, socket, sent } = await relayedCall();
    expect(listening).toHaveLength(2);
    await room.leave();
    expect(listening).toEqual([]);
    const after = sent().length;
    hidePage(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent()).toHaveLength(after);
    expect(socket.disconnects).toBe(1);
  });

  it('sends no usage and no leave while signaling is down, and disconnects at once', async () => {
    const { socket, sent } = await relayedCall();
    socket.drop();
    const before = sent().length;
    hidePage(false);
    expect(sent().slice(before)).toEqual([]);
    expect(socket.disconnects).toBe(1);
    expect(listening).toEqual([]);
  });
});
