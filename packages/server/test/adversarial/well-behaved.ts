/**
 * What the adversarial suite measures while an attack runs: a well-behaved client's joins, the
 * process's memory, and whether the server still answers.
 */
import { expect } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import { connect, request } from '../support/clients.js';

/** Joins of well-behaved clients go from here: the attackers speak from 127.0.0.1. */
export const GOOD_ADDRESS = '127.0.0.2';

/** A generous bound on a join's p99 under attack; a quiet join takes a few ms. */
export const JOIN_P99_BOUND_MS = 2_000;

/** How much the test process's heap and buffers may grow during one attack. */
export const MEMORY_CEILING_BYTES = 128 * 1024 * 1024;

/** Connects and joins a fresh room `count` times, one after the other; the latencies in ms. */
export async function joinLatencies(
  url: string,
  count: number,
  options: { token?: string; localAddress?: string } = {},
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const socket = await connect(url, {
      localAddress: options.localAddress ?? GOOD_ADDRESS,
      ...(options.token && { auth: { token: options.token } }),
    } as Parameters<typeof connect>[1]);
    const answer = await request<JoinAnswer>(socket, 'room:join', { room: `good-${i}` });
    latencies.push(performance.now() - started);
    socket.disconnect();
    if (!('data' in answer))
      throw new Error(`a well-behaved join failed: ${JSON.stringify(answer)}`);
  }
  return latencies;
}

/** The nearest-rank 99th percentile. */
export function p99(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

/** The heap and the buffers outside it, which is where queued socket data lives. */
export function memoryInUse(): number {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** Fails unless the joins were quick enough and memory stayed under the ceiling. */
export function expectServedWell(latencies: readonly number[], memoryBefore: number): void {
  expect(p99(latencies)).toBeLessThan(JOIN_P99_BOUND_MS);
  expect(memoryInUse() - memoryBefore).toBeLessThan(MEMORY_CEILING_BYTES);
}
