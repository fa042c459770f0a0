/**
 * Every lab namespace is named `icelab-<owner pid>-<random>-<role>`. The owner pid lets a sweep
 * remove what a crashed run left behind without touching a lab another live run is using.
 */
import { randomBytes } from 'node:crypto';

export const LAB_PREFIX = 'icelab-';

const labNamePattern = /^icelab-(\d+)-([0-9a-f]{4})-[a-z0-9]+$/;

/** A fresh lab id for this process: `<pid>-<4 hex>`. */
export function newLabId(): string {
  return `${process.pid}-${randomBytes(2).toString('hex')}`;
}

export function namespaceName(labId: string, role: string): string {
  return `${LAB_PREFIX}${labId}-${role}`;
}

/** The pid of the process that created a lab namespace, or `null` if the name is not the lab's. */
export function ownerPid(name: string): number | null {
  const match = labNamePattern.exec(name);
  return match ? Number(match[1]) : null;
}

/** Whether the lab's own naming pattern matches `name` (so only our leftovers are ever removed). */
export function isLabName(name: string): boolean {
  return labNamePattern.test(name);
}
