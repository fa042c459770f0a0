/**
 * The link emulator proves itself: a probe stream at a video call's rate crosses an emulated link
 * behind a NAT and measures what the link was set to, in each direction at once (each set
 * differently): delay, jitter, random and burst loss, then a rate limit with its queue set while
 * the lab runs. It prints what the pump costs in CPU. No browser.
 */
import {
  expect,
  labResources,
  linkProfileNames,
  probeLink,
  mostStolenSeconds,
  skipUnlessLabCanRun,
  stolenCpuSeconds,
  test,
  type ProbeResult,
} from '@icelane/testing/nat-lab';

skipUnlessLabCanRun();

/** A 2 Mbit/s video call's packets: about 1,200 bytes each, some 200 a second. */
const VIDEO_PACKET_BYTES = 1200;
const VIDEO_RATE_KBPS = 2000;
const PROBE_MS = 5000;

/**
 * What the lab adds without emulation, the pump's and the probe's own timing included: measured
 * on this machine under the other suites' load, under 1 ms of mean delay and 1.5 ms of jitter.
 */
const OWN_NOISE_MS = 3;

/**
 * Loss measured over n packets may differ from p by chance: 4 standard deviations of it. Losses
 * that come in bursts are not independent: a two-state (Gilbert–Elliott) chain whose packets
 * correlate by `rho` from one to the next (1 − enterBad − leaveBad) varies (1 + rho) / (1 − rho)
 * times as much as independent losses (the sum of rho^k over every lag, both ways).
 */
const lossBound = (p: number, n: number, rho = 0) =>
  4 * Math.sqrt(((p * (1 - p)) / n) * ((1 + rho) / (1 - rho)));

const show = (name: string, r: ProbeResult) =>
  console.log(
    `${name}: delay median ${r.medianDelayMs.toFixed(1)} ms (mean ${r.meanDelayMs.toFixed(1)}, ` +
      `p95 ${r.p95DelayMs?.toFixed(1)}), jitter ${r.robustJitterMs.toFixed(1)} ms ` +
      `(plain deviation ${r.jitterMs.toFixed(1)}), loss ${(r.loss * 100).toFixed(2)} % of ${r.sent} ` +
      `in ${r.lossBursts} bursts, rate ${r.rateKbps.toFixed(0)} kbit/s`,
  );

test('delay, jitter, random and burst loss as set, each direction its own', async ({ lab }) => {
  // Bursts: the bad state takes 0.01 / (0.01 + 0.25) = 3.8 % of packets, 4 in a row on average.
  const burst = { enterBad: 0.01, leaveBad: 0.25, lossInBad: 1 };
  const burstLoss = burst.enterBad / (burst.enterBad + burst.leaveBad);
  const network = await lab({
    a: 'port-restricted',
    b: 'none',
    turn: false,
    links: {
      a: {
        up: { delayMs: 40, jitterMs: 8, loss: 0.05 },
        down: { delayMs: 70, burst },
        turnPath: { up: {}, down: {} },
      },
    },
  });
  const link = network.links.a;
  if (!link) throw new Error('side a has no emulated link');
  const cpuBefore = await link.cpuSeconds();
  const stolenBefore = await stolenCpuSeconds();
  const startedAt = Date.now();
  const stream = {
    rateKbps: VIDEO_RATE_KBPS,
    packetBytes: VIDEO_PACKET_BYTES,
    durationMs: PROBE_MS,
  };
  const [up, down] = await Promise.all([
    probeLink(network.network, 'a', { ...stream, direction: 'up', port: 6001 }),
    probeLink(network.network, 'a', { ...stream, direction: 'down', port: 6002 }),
  ]);
  const cpuSeconds = (await link.cpuSeconds()) - cpuBefore;
  const counters = await link.counters();
  const wallSeconds = (Date.now() - startedAt) / 1000;
  const stolenSeconds = mostStolenSeconds(stolenBefore, await stolenCpuSeconds());
  const frames = counters.up.frames + counters.down.frames;
  const late = counters.up.late + counters.down.late;
  show('up, set 40 ms ± 8, 5 % random loss', up);
  show(`down, set 70 ms, ${(burstLoss * 100).toFixed(1)} % in bursts of 4`, down);
  console.log(
    `pump CPU: ${((cpuSeconds / wallSeconds) * 100).toFixed(1)} % of one core while ` +
      `${(2 * VIDEO_RATE_KBPS) / 1000} Mbit/s crossed it; frames it sent over 2 ms late: ` +
      `${late} of ${frames} (latest ${Math.max(counters.up.maxLateMs, counters.down.maxLateMs)} ms); ` +
      `the most CPU time the hypervisor took from one CPU meanwhile: ${(stolenSeconds * 1000).toFixed(0)} ms`,
  );
  // The pump keeps its own timing (real-time priority), whatever else the machine runs. Only
  // while the hypervisor holds a CPU does nothing run on it: every frame due then may leave late.
  const framesPerSecond = frames / wallSeconds;
  expect(late).toBeLessThan(frames / 100 + framesPerSecond * stolenSeconds);

  // With jitter the median itself varies from run to run: the walk's targets (one per 32 ms at
  // 8 ms of jitter, see pump.py) are the independent samples, ~156 in 5 s; 4 standard errors of a
  // median of them. Jitter only adds delay where it would reorder packets: +2 ms measured here.
  const targets = PROBE_MS / Math.max(20, 4 * 8);
  const medianSpread = (4 * 1.2533 * 8) / Math.sqrt(targets);
  expect(up.medianDelayMs).toBeGreaterThan(40 - medianSpread);
  expect(up.medianDelayMs).toBeLessThan(40 + 2 + medianSpread + OWN_NOISE_MS);
  // The deviation of the middle half: standard error ~1.6 σ / sqrt(2 n), 4 of them (±2.9 ms).
  const jitterSpread = (4 * 1.6 * 8) / Math.sqrt(2 * targets);
  expect(up.robustJitterMs).toBeGreaterThan(8 - jitterSpread);
  expect(up.robustJitterMs).toBeLessThan(8 + jitterSpread + OWN_NOISE_MS / 2);
  expect(Math.abs(up.loss - 0.05)).toBeLessThan(lossBound(0.05, up.sent));
  // Random loss comes mostly one packet at a time.
  expect(up.lossBursts).toBeGreaterThan(up.loss * up.sent * 0.8);

  expect(down.medianDelayMs).toBeGreaterThan(70 * 0.97);
  expect(down.medianDelayMs).toBeLessThan(70 * 1.03 + OWN_NOISE_MS);
  expect(down.robustJitterMs).toBeLessThan(OWN_NOISE_MS);
  // Bursts of 4 on average: far fewer runs than lost packets. A run's length is geometric (mean 4,
  // deviation 3.5), and 5 s at video rates hold only ~10 runs, so their mean varies by ±1.1: two
  // clean-clone runs measured 2.4. Random loss of the same rate gives runs of 1.04: a bound of
  // 1.5 still tells the two apart, over 2 deviations below the mean.
  const downLost = down.loss * down.sent;
  // Runs of 4 on average make the loss vary 6.7 times as much as independent losses would (it
  // was bounded as if 4 times: a clean-clone run measured 8.9 % against 3.8 %, 3.3 of the true
  // deviations off, with 21 runs where ~10 come on average).
  const rho = 1 - burst.enterBad - burst.leaveBad;
  expect(Math.abs(down.loss - burstLoss)).toBeLessThan(lossBound(burstLoss, down.sent, rho));
  expect(downLost / down.lossBursts).toBeGreaterThan(1.5);
});

test('a rate limit with its queue, set while the lab runs', async ({ lab }) => {
  const network = await lab({
    a: 'port-restricted',
    b: 'none',
    turn: false,
    links: { a: 'perfect' },
  });
  const link = network.links.a;
  if (!link) throw new Error('side a has no emulated link');
  // Up: 1.5 Mbit/s behind a 200 ms queue, offered 2.5: the queue fills, its tail drops the rest.
  // Down: 3 Mbit/s, offered 2: the limit never binds, nothing waits.
  await link.set({
    up: { delayMs: 20, rateKbps: 1500, queueMs: 200 },
    down: { delayMs: 20, rateKbps: 3000, queueMs: 200 },
    turnPath: { up: {}, down: {} },
  });
  const stream = { packetBytes: VIDEO_PACKET_BYTES, durationMs: 4000 };
  const [up, down] = await Promise.all([
    probeLink(network.network, 'a', { ...stream, rateKbps: 2500, direction: 'up', port: 6001 }),
    probeLink(network.network, 'a', { ...stream, rateKbps: 2000, direction: 'down', port: 6002 }),
  ]);
  show('up, 1.5 Mbit/s and a 200 ms queue, offered 2.5', up);
  show('down, 3 Mbit/s, offered 2', down);
  // Every named profile is a configuration the pump takes.
  for (const name of linkProfileNames) {
    await link.set(name);
    expect(link.profile).toBe(name);
  }
  const counters = await link.counters();
  console.log(`pump counters: ${JSON.stringify(counters)}`);

  expect(up.rateKbps).toBeGreaterThan(1500 * 0.97);
  expect(up.rateKbps).toBeLessThan(1500 * 1.03);
  // A full queue: most packets wait its whole length behind the others, and their own
  // serialization (the median: a receiver stalled by the machine's load inflates the tail).
  const upSerializationMs = ((VIDEO_PACKET_BYTES + 28) * 8) / 1500;
  expect(up.medianDelayMs).toBeGreaterThan(20 + 200 * 0.97);
  expect(up.medianDelayMs).toBeLessThan(20 + 200 * 1.03 + upSerializationMs + OWN_NOISE_MS);
  expect(Math.abs(up.loss - (1 - 1500 / 2500))).toBeLessThan(0.05);
  expect(counters.up.queueDropped).toBeGreaterThan(0);

  // The pump and its devices go with the lab.
  await network.close();
  await link.exited;
  expect((await labResources()).namespaces.filter((ns) => ns.includes(network.network.id))).toEqual(
    [],
  );

  expect(down.loss).toBe(0);
  expect(down.rateKbps).toBeGreaterThan(2000 * 0.97);
  // The median packet waits only its own serialization (a sender stalled by the machine's load
  // sends a burst, which queues for real: the p95 is not the link's).
  expect(down.medianDelayMs).toBeLessThan(
    20 + ((VIDEO_PACKET_BYTES + 28) * 8) / 3000 + OWN_NOISE_MS,
  );
});
