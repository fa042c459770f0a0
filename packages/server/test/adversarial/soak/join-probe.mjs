/**
 * The well-behaved client of a soak, as a process of its own so the attackers' CPU does not
 * slow its own timing: connects, joins a fresh room and leaves, again and again, for
 * `durationMs`; prints `{ latencies, failures }` as JSON (failures by error code, `timeout` or
 * `connect-error`). Arguments: url durationMs intervalMs localAddress [token].
 */
import { setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { clearTimeout } from 'node:timers';
import { io } from 'socket.io-client';

const [url, durationMs, intervalMs, localAddress, token] = process.argv.slice(2);
const TIMEOUT_MS = 5_000;

async function joinOnce(i) {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: TIMEOUT_MS,
    localAddress,
    ...(token && { auth: { token } }),
  });
  try {
    // A server dying mid-handshake closes the transport without a connect_error: hence the
    // disconnect and the timer (without them the loop would wait forever).
    await new Promise((resolve, reject) => {
      const fail = () => reject(new Error('connect-error'));
      const timer = setTimeout(fail, TIMEOUT_MS);
      socket.once('connect', () => resolve(clearTimeout(timer)));
      socket.once('connect_error', fail);
      socket.once('disconnect', fail);
    });
    const answer = await socket.timeout(TIMEOUT_MS).emitWithAck('room:join', { room: `soak-${i}` });
    return answer.error ? answer.error.code : null;
  } catch (error) {
    return error.message === 'connect-error' ? 'connect-error' : 'timeout';
  } finally {
    socket.disconnect();
  }
}

const figures = { latencies: [], failures: {} };
const end = Date.now() + Number(durationMs);
for (let i = 0; Date.now() < end; i++) {
  const started = performance.now();
  const failure = await joinOnce(i);
  if (failure === null) figures.latencies.push(performance.now() - started);
  else figures.failures[failure] = (figures.failures[failure] ?? 0) + 1;
  await sleep(Number(intervalMs));
}
process.stdout.write(JSON.stringify(figures));
