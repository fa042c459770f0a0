/**
 * Thousands of random and malformed calls over many sockets at every event, from a seeded
 * generator: the server stays up, answers every acknowledgement with `{ data }` or `{ error }`
 * (never `internal`), and two peers in another room keep signaling, every message in order.
 *
 * Replay a run with `ICELANE_FUZZ_SEED=<seed printed by the failing run>`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, type SignalMessage } from '@icelane/protocol';
import { captureLogger } from './credentials/log-capture.js';
import { seededRandom } from './credentials/fixtures.js';
import {
  connect,
  disconnectAll,
  expectStillServing,
  joined,
  nextEvent,
  type TestClient,
} from './support/clients.js';
import { HANDLED_EVENTS, randomCall, type FuzzCall } from './support/fuzz-payloads.js';
import { closeAll, startTestServer, type TestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const CALLS = 10_000;
const SOCKETS = 20;
/** Calls a socket has in flight at once. */
const IN_FLIGHT = 25;
const OVERSIZE_ROUNDS = 10;
const seed = Number(process.env.ICELANE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

// Every limit out of the way, so payloads reach validation rather than the rate limiter.
const unlimited = { burst: 1_000_000, perSecond: 1_000_000 };
const rateLimits = {
  signal: unlimited,
  join: unlimited,
  iceRefresh: unlimited,
  report: unlimited,
  joinPerIp: unlimited,
  iceRefreshPerIp: unlimited,
  refusedPerIp: unlimited,
  strikes: unlimited,
  messages: unlimited,
};

function isWellFormedAnswer(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const keys = Object.keys(answer);
  if (keys.length !== 1) return false;
  if ('data' in answer) return true;
  const error = (answer as { error?: { code?: unknown; message?: unknown } }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    (ERROR_CODES as readonly unknown[]).includes(error.code) &&
    typeof error.message === 'string'
  );
}

/**
 * Two peers of a room no fuzzer uses, sending numbered signals to each other until stopped. What
 * they show is that every signal arrives, in order, and none is refused: each waits for its answer
 * however long the fuzzers' calls queued ahead of it take on a loaded machine (hundreds of calls
 * in flight: 0.7 s a round trip with the file alone at load 18 here, over 5 s at load 25).
 */
async function steadyPair(server: TestServer) {
  const alice = await joined(server.url, 'steady-pair-room');
  const bob = await joined(server.url, 'steady-pair-room');
  const received = { alice: [] as number[], bob: [] as number[] };
  alice.socket.on('signal', (m: SignalMessage) => received.alice.push(Number(m.data.seq)));
  bob.socket.on('signal', (m: SignalMessage) => received.bob.push(Number(m.data.seq)));
  let sent = 0;
  let stopped = false;
  const failures: unknown[] = [];
  const loop = (async () => {
    while (!stopped) {
      sent++;
      const data = { type: 'candidate', seq: sent };
      const answers = await Promise.all([
        alice.socket.emitWithAck('signal', { to: bob.answer.peerId, attempt: 1, data }),
        bob.socket.emitWithAck('signal', { to: alice.answer.peerId, attempt: 1, data }),
      ]);
      for (const answer of answers) if (!('data' in answer)) failures.push(answer);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    received,
    failures,
    async stop() {
      stopped = true;
      await loop;
      return sent;
    },
  };
}

describe('fuzzing every event', () => {
  it(`survives ${CALLS} random calls over ${SOCKETS} sockets while another room keeps signaling`, async ({
    signal,
  }) => {
    console.log(`fuzz seed ${seed} (replay with ICELANE_FUZZ_SEED=${seed})`);
    const log = captureLogger();
    const server = await startTestServer({
      options: { rateLimits },
      deps: { logger: log.logger },
    });
    const pair = await steadyPair(server);

    const seen = { peerIds: [] as string[], resumeTokens: [] as string[] };
    /** Calls whose socket closed before they were answered. A call on an open socket waits for
     * its answer as long as the test runs: those never answered are named at its timeout. */
    const unanswered: FuzzCall[] = [];
    const waiting = new Set<FuzzCall>();
    signal.addEventListener('abort', () => {
      const events = [...waiting].map((call) => call.event);
      console.error(`seed ${seed}: ${waiting.size} calls unanswered at the timeout: ${events}`);
    });
    /** Calls cut off because a join resumed with the calling socket's token: that join replaces
     * the socket's peer, and the server disconnects the socket (a rejoin after a drop). */
    const replaced: FuzzCall[] = [];
    /** Resume tokens presented by joins so far. */
    const presented = new Set<string>();
    const malformed: Array<{ call: FuzzCall; answer: unknown }> = [];
    const answeredBy = new Map<string, number>();
    /** Answers with `data`: payloads that passed validation and reached the handler's work. */
    const acceptedBy = new Map<string, number>();
    const fuzzer = async (index: number) => {
      const random = seededRandom(seed + index);
      let socket: TestClient = await connect(server.url);
      /** The tokens handed to the current socket. */
      let ownTokens: string[] = [];
      for (let done = 0; done < CALLS / SOCKETS;) {
        const batch = Array.from({ length: Math.min(IN_FLIGHT, CALLS / SOCKETS - done) }, () =>
          randomCall(random, seen),
        );
        done += batch.length;
        await Promise.all(
          batch.map(async (call) => {
            const resume = (call.args[0] as { resume?: unknown } | undefined)?.resume;
            if (call.event === 'room:join' && typeof resume === 'string') presented.add(resume);
            if (!call.wantsAnswer) return void socket.emit(call.event, ...call.args);
            const caller = { socket, tokens: ownTokens };
            let answer: unknown;
            waiting.add(call);
            try {
              answer = await socket.emitWithAck(call.event, ...call.args);
            } catch {
              const wasReplaced =
                !caller.socket.connected && caller.tokens.some((token) => presented.has(token));
              return void (wasReplaced ? replaced : unanswered).push(call);
            } finally {
              waiting.delete(call);
            }
            if (!isWellFormedAnswer(answer)) return void malformed.push({ call, answer });
            answeredBy.set(call.event, (answeredBy.get(call.event) ?? 0) + 1);
            if ('data' in (answer as object)) {
              acceptedBy.set(call.event, (acceptedBy.get(call.event) ?? 0) + 1);
            }
            if (call.event !== 'room:join') return;
            const data = (answer as { data?: { peerId?: unknown; resumeToken?: unknown } }).data;
            if (typeof data?.peerId === 'string') seen.peerIds.push(data.peerId);
            if (typeof data?.resumeToken === 'string') {
              seen.resumeTokens.push(data.resumeToken);
              caller.tokens.push(data.resumeToken);
            }
          }),
        );
        if (!socket.connected) {
          socket = await connect(server.url);
          ownTokens = [];
        }
      }
    };
    // Messages above the transport cap: the sender is cut off, nobody else.
    const oversize = async () => {
      for (let i = 0; i < OVERSIZE_ROUNDS; i++) {
        const socket = await connect(server.url);
        const gone = nextEvent(socket, 'disconnect', 10_000);
        socket.emit(i % 2 ? 'signal' : 'room:join', { room: 'x'.repeat(150 * 1024) });
        await gone;
      }
    };

    const started = Date.now();
    await Promise.all([...Array.from({ length: SOCKETS }, (_, i) => fuzzer(i)), oversize()]);
    const sent = await pair.stop();
    console.log(
      `fuzz: ${CALLS} calls in ${Date.now() - started} ms; ${replaced.length} cut off by a resumed join; answers by event ${JSON.stringify(Object.fromEntries(answeredBy))}, accepted ${JSON.stringify(Object.fromEntries(acceptedBy))}; steady pair sent ${sent} each way`,
    );

    expect(unanswered, `seed ${seed}`).toEqual([]);
    expect(malformed, `seed ${seed}`).toEqual([]);
    for (const event of HANDLED_EVENTS) expect(answeredBy.get(event) ?? 0).toBeGreaterThan(100);
    expect(log.text()).not.toContain('signaling handler failed');
    expect(await server.counter('icelane_joins_total', { outcome: 'internal' })).toBe(0);
    expect(await server.counter('icelane_invalid_payloads_total')).toBeGreaterThan(1_000);

    // The pair in the other room: every signal delivered, in order, none refused.
    const all = Array.from({ length: sent }, (_, i) => i + 1);
    await expect.poll(() => pair.received.bob.length).toBe(sent);
    await expect.poll(() => pair.received.alice.length).toBe(sent);
    expect(pair.received.bob).toEqual(all);
    expect(pair.received.alice).toEqual(all);
    expect(pair.failures).toEqual([]);
    expect(sent).toBeGreaterThan(10);

    // And the server still takes new calls.
    await expectStillServing(server.url, 'after-the-fuzz');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 90_000);
});
