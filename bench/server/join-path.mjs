// The join+leave path alone, several builds in one process: each build's server with its own
// clients, and `room:join` / `room:leave` handed straight to its server-side sockets, each with a
// local function as the acknowledgement. Neither socket.io's encoding nor the network counts, and
// the builds share one process and take their rounds in turns, so a difference of a microsecond
// shows; what the closed loop of bench:server makes of it is another matter (it magnifies it).
import { createRequire } from 'node:module';
import { cpuUsage } from 'node:process';
import { URL } from 'node:url';
import { median } from './latency.mjs';
import { createIcelane, loadServer } from './servers.mjs';

const requireFromServer = createRequire(
  new URL('../../packages/server/package.json', import.meta.url),
);
const { io } = requireFromServer('socket.io-client');

/** An inbound EVENT packet, as socket.io's decoder hands it to a socket. */
const EVENT_PACKET = 2;

async function startRig({ label, dist }, cloudflare, sockets) {
  const server = createIcelane(await loadServer(dist), cloudflare);
  await new Promise((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.httpServer.address().port}`;
  const clients = [];
  for (let i = 0; i < sockets; i++) {
    const client = io(url, { transports: ['websocket'], forceNew: true });
    clients.push(client);
    await new Promise((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
  }
  const serverSockets = [...server.io.sockets.sockets.values()];
  // socket.io's own entry for a decoded packet (not public API): the path from here on is the
  // server's, middleware and handlers included; the answer goes to `ack` instead of the wire.
  const call = (index, event, payload) =>
    new Promise((ack) => {
      const data = payload === undefined ? [event, ack] : [event, payload, ack];
      serverSockets[index]._onpacket({ type: EVENT_PACKET, nsp: '/', data });
    });
  return {
    label,
    cpuUs: [],
    async cycles(count, concurrency) {
      const worker = async (w) => {
        for (let i = w; i < count; i += concurrency) {
          const index = i % serverSockets.length;
          const answer = await call(index, 'room:join', { room: `r${index}` });
          // Builds since the join answer is written as JSON ahead (encoded-ack.ts) hand the
          // acknowledgement its text: a refusal is then the only answer with `error`.
          const accepted = answer?.data ?? (answer?.json?.startsWith('{"data":') && answer);
          if (!accepted) throw new Error(`${label}: join refused: ${JSON.stringify(answer)}`);
          await call(index, 'room:leave');
        }
      };
      await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    },
    async close() {
      for (const client of clients) client.close();
      await server.close();
    },
  };
}

/** CPU µs per join+leave of each build: median of `o.rounds` rounds, taken in turns. */
export async function measureJoinPath(builds, cloudflare, o) {
  const rigs = [];
  try {
    for (const build of builds) rigs.push(await startRig(build, cloudflare, o.sockets));
    for (const rig of rigs) await rig.cycles(o.warmupJoins, o.concurrency);
    for (let round = 0; round < o.rounds; round++) {
      for (const rig of round % 2 ? [...rigs].reverse() : rigs) {
        globalThis.gc?.();
        const before = cpuUsage();
        await rig.cycles(o.joinsPerRound, o.concurrency);
        const used = cpuUsage(before);
        rig.cpuUs.push((used.user + used.system) / o.joinsPerRound);
      }
    }
    return rigs.map(({ label, cpuUs }) => ({
      label,
      medianUs: median(cpuUs),
      lowestUs: Math.min(...cpuUs),
      highestUs: Math.max(...cpuUs),
    }));
  } finally {
    for (const rig of rigs) await rig.close();
  }
}
