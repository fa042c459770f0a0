// The link emulator's probe: a UDP stream at a set rate, each packet stamped with its sequence
// number and send time (CLOCK_MONOTONIC, shared by every namespace of the machine), measured where
// it arrives: one-way delay (mean, deviation, p95), loss and the rate it arrived at.
//
//   node link-probe.mjs serve <port>
//   node link-probe.mjs client <host> <port> <up|down> <rateKbps> <packetBytes> <durationMs>
//
// `up` streams from the client to the server, `down` from the server to the client (which opens
// the way through its NAT first). The measuring end prints one line of JSON and exits.
import { Buffer } from 'node:buffer';
import { createSocket } from 'node:dgram';
import { setTimeout as delay } from 'node:timers/promises';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';

const HEADER = 16;
const IP_UDP_HEADERS = 28;
const CONTROL_COPIES = 5;
/** A `down` client asks again this often until the stream starts: a full queue may drop asks. */
const ASK_AGAIN_MS = 100;
/** The server gives up when no request came within this time, rather than wait forever. */
const REQUEST_WAIT_MS = 10_000;
/** How long after the stream's planned end the receiver still waits for late packets. */
const LATE_MS = 3000;

const now = () => process.hrtime.bigint();

function stream(socket, address, port, { id, packetBytes, durationMs, total }) {
  const intervalNs = BigInt(Math.round((durationMs * 1e6) / total));
  const start = now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = Number((now() - start) / intervalNs) + 1;
      while (sent < Math.min(due, total)) {
        const packet = Buffer.alloc(packetBytes);
        packet.writeUInt32BE(id, 0);
        packet.writeUInt32BE(sent, 4);
        packet.writeBigUInt64BE(now(), 8);
        socket.send(packet, port, address);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve(total);
    };
    tick();
  });
}

function measure(socket, plan) {
  const delays = [];
  let bytes = 0;
  let first = null;
  let last = null;
  const seen = new Set();
  return new Promise((resolve) => {
    const finish = () => {
      socket.removeAllListeners('message');
      const sorted = [...delays].sort((x, y) => x - y);
      const mean = delays.reduce((sum, d) => sum + d, 0) / Math.max(1, delays.length);
      const deviation = Math.sqrt(
        delays.reduce((sum, d) => sum + (d - mean) ** 2, 0) / Math.max(1, delays.length),
      );
      // Runs of missing sequence numbers: the bursts the loss came in.
      let bursts = 0;
      for (let seq = 0; seq < plan.total; seq++)
        if (!seen.has(seq) && (seq === 0 || seen.has(seq - 1))) bursts++;
      const spanMs = first !== null && last !== null ? Number(last - first) / 1e6 : 0;
      resolve({
        sent: plan.total,
        received: seen.size,
        loss: 1 - seen.size / plan.total,
        lossBursts: bursts,
        meanDelayMs: mean,
        jitterMs: deviation,
        minDelayMs: sorted[0] ?? null,
        medianDelayMs: quantile(sorted, 0.5),
        // The deviation read from the middle half, as for a normal distribution (IQR / 1.349):
        // a machine under load stalls a receiver now and then, which the plain deviation counts.
        robustJitterMs: (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 1.349,
        p95DelayMs: sorted[Math.floor(sorted.length * 0.95)] ?? null,
        // The first packet's bytes arrived before the span began.
        rateKbps: spanMs > 0 ? ((bytes - plan.packetBytes - IP_UDP_HEADERS) * 8) / spanMs : 0,
      });
    };
    const deadline = setTimeout(finish, plan.durationMs + LATE_MS);
    socket.on('message', (message) => {
      if (message.length < HEADER || message.readUInt32BE(0) !== plan.id) return;
      const at = now();
      const seq = message.readUInt32BE(4);
      if (seen.has(seq)) return;
      seen.add(seq);
      delays.push(Number(at - message.readBigUInt64BE(8)) / 1e6);
      bytes += message.length + IP_UDP_HEADERS;
      first ??= at;
      last = at;
      if (seen.size === plan.total) {
        clearTimeout(deadline);
        finish();
      }
    });
  });
}

const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;

const planOf = (rateKbps, packetBytes, durationMs, id) => {
  const plan = { id, rateKbps, packetBytes, durationMs };
  plan.total = Math.max(
    1,
    Math.round((rateKbps * durationMs) / 8 / (packetBytes + IP_UDP_HEADERS)),
  );
  return plan;
};

const [role, ...args] = process.argv.slice(2);
const socket = createSocket('udp4');
if (role === 'serve') {
  socket.bind(Number(args[0]), () => console.log('listening'));
  const giveUp = setTimeout(() => {
    console.error(`no request within ${REQUEST_WAIT_MS} ms`);
    process.exit(1);
  }, REQUEST_WAIT_MS);
  socket.once('message', async (message, from) => {
    clearTimeout(giveUp);
    const request = JSON.parse(message.toString());
    const plan = planOf(request.rateKbps, request.packetBytes, request.durationMs, request.id);
    if (request.direction === 'up') console.log(JSON.stringify(await measure(socket, plan)));
    else await stream(socket, from.address, from.port, plan);
    socket.close();
  });
} else if (role === 'client') {
  const [host, port, direction, rateKbps, packetBytes, durationMs] = args;
  const plan = planOf(
    Number(rateKbps),
    Number(packetBytes),
    Number(durationMs),
    (Math.random() * 2 ** 32) >>> 0,
  );
  socket.bind(0, async () => {
    const request = Buffer.from(JSON.stringify({ ...plan, direction }));
    // The request is sent several times: the link under test may lose it.
    const ask = () => {
      for (let copy = 0; copy < CONTROL_COPIES; copy++) socket.send(request, Number(port), host);
    };
    ask();
    if (direction === 'down') {
      const askAgain = setInterval(ask, ASK_AGAIN_MS);
      socket.once('message', () => clearInterval(askAgain));
    }
    if (direction === 'up') {
      await delay(200);
      await stream(socket, host, Number(port), plan);
    } else console.log(JSON.stringify(await measure(socket, plan)));
    socket.close();
  });
} else {
  console.error(
    'usage: link-probe.mjs serve <port> | client <host> <port> <up|down> <rateKbps> <packetBytes> <durationMs>',
  );
  process.exit(2);
}
