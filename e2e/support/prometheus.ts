/**
 * A real Prometheus (Debian's `prometheus` package, 2.42) for tests: its own process with its own
 * configuration, its storage in a temporary directory, listening on a free loopback port, scraping
 * the given targets every second. `stop()` ends it by its PID and removes the directory. The
 * package's system service is never used (scripts/test.sh installs the package with service
 * starts denied).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopChild } from '@icelane/testing';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface PrometheusOptions {
  /** `http://host:port` of each server whose `/metrics` is scraped (job `icelane`). */
  targets: string[];
  /** Path of the metrics on the targets. */
  metricsPath: string;
  scrapeIntervalMs: number;
  startTimeoutMs: number;
}

export const prometheusDefaults: PrometheusOptions = {
  targets: [],
  metricsPath: '/metrics',
  scrapeIntervalMs: 1_000,
  startTimeoutMs: 20_000,
};

/** One series of an instant vector: its labels and its value. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface Prometheus {
  url: string;
  pid: number;
  /** Lines Prometheus logged, for a failed test's message. */
  logs: string[];
  /**
   * Evaluates a PromQL expression through the HTTP API (`/api/v1/query`), now or at `atSeconds`
   * (seconds since the epoch, as `timestamp()` gives them).
   */
  query(promql: string, atSeconds?: number): Promise<Sample[]>;
  /** The single value of an expression that yields one series; throws otherwise. */
  scalar(promql: string, atSeconds?: number): Promise<number>;
  /** Resolves once every target was scraped successfully after `since` (ms since the epoch). */
  scrapedAfter(since: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(
  options: Partial<PrometheusOptions> = {},
): Promise<Prometheus> {
  const o = { ...prometheusDefaults, ...options };
  const dir = await mkdtemp(join(tmpdir(), 'icelane-prometheus-'));
  const port = await freePort('127.0.0.1');
  const seconds = `${o.scrapeIntervalMs / 1000}s`;
  const targets = o.targets.map((target) => JSON.stringify(new URL(target).host)).join(', ');
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${seconds}`,
      `  evaluation_interval: ${seconds}`,
      'scrape_configs:',
      '  - job_name: icelane',
      `    metrics_path: ${o.metricsPath}`,
      `    static_configs: [{ targets: [${targets}] }]`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // The Debian package's console templates are not needed, and its defaults point at /etc.
      `--web.console.templates=${dir}`,
      `--web.console.libraries=${dir}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) logs.push(line);
    if (logs.length > 300) logs.splice(0, logs.length - 300);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };

  const query = async (promql: string, atSeconds?: number): Promise<Sample[]> => {
    const params = new URLSearchParams({ query: promql });
    if (atSeconds !== undefined) params.set('time', String(atSeconds));
    const response = await fetch(`${url}/api/v1/query?${params}`);
    const body = (await response.json()) as QueryAnswer;
    if (body.status !== 'success') {
      throw new Error(`PromQL ${promql} failed: ${body.errorType ?? ''} ${body.error ?? ''}`);
    }
    if (body.data.resultType === 'scalar') {
      return [{ metric: {}, value: Number((body.data.result as [number, string])[1]) }];
    }
    return (body.data.result as VectorEntry[]).map(({ metric, value }) => ({
      metric,
      value: Number(value[1]),
    }));
  };

  const prometheus: Prometheus = {
    url,
    pid: child.pid!,
    logs,
    query,
    async scalar(promql, atSeconds) {
      const samples = await query(promql, atSeconds);
      if (samples.length !== 1) {
        throw new Error(`PromQL ${promql} gave ${samples.length} series, not one`);
      }
      return samples[0]!.value;
    },
    async scrapedAfter(since, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      const expected = o.targets.length;
      while (Date.now() < deadline) {
        // `timestamp()` of a plain selector is the scrape's time; of a comparison (`up == 1`) it
        // would be the evaluation's, always after `since`.
        const last = await query('timestamp(up{job="icelane"})').catch(() => []);
        const up = await query('up{job="icelane"}').catch(() => []);
        const scraped = last.length === expected && last.every((s) => s.value * 1000 > since);
        if (scraped && up.every((s) => s.value === 1)) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(
        `Prometheus did not scrape every target after ${new Date(since).toISOString()}`,
      );
    },
    stop,
  };

  try {
    await waitUntilReady(url, child, o.startTimeoutMs);
  } catch (error) {
    await stop();
    throw new Error(`prometheus did not start: ${(error as Error).message}\n${logs.join('\n')}`);
  }
  return prometheus;
}

interface VectorEntry {
  metric: Record<string, string>;
  value: [number, string];
}

interface QueryAnswer {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data: { resultType: string; result: VectorEntry[] | [number, string] };
}

async function waitUntilReady(
  url: string,
  child: ReturnType<typeof spawn>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/-/ready`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url}/-/ready did not answer within ${timeoutMs} ms`);
}
