/**
 * Measures a value as JSON without serializing it, giving up as soon as it is too big or too deep.
 *
 * Returns the approximate byte length of `JSON.stringify(value)`, or `Infinity` when the value
 * exceeds `maxBytes` or `maxDepth`, or holds something JSON cannot carry (binary, functions,
 * non-finite numbers, cycles). Hostile payloads are cut short instead of walked whole.
 */
export function jsonSize(value: unknown, maxBytes: number, maxDepth: number): number {
  let total = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (v === null || typeof v === 'boolean') {
      total += v === null ? 4 : v ? 4 : 5;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return Infinity;
      total += String(v).length;
    } else if (typeof v === 'string') {
      // UTF-8 length bounds: the cap is on what crosses the wire, quotes included.
      total += v.length + 2;
    } else if (typeof v === 'object') {
      if (item.depth >= maxDepth) return Infinity;
      if (Array.isArray(v)) {
        total += 2 + Math.max(0, v.length - 1);
        for (const element of v) stack.push({ value: element, depth: item.depth + 1 });
      } else {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) return Infinity;
        const keys = Object.keys(v);
        total += 2 + Math.max(0, keys.length - 1);
        for (const key of keys) {
          total += key.length + 3;
          stack.push({ value: (v as Record<string, unknown>)[key], depth: item.depth + 1 });
        }
      }
    } else {
      return Infinity;
    }
    if (total > maxBytes) return Infinity;
  }
  return total;
}
