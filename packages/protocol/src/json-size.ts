/**
 * Measures a value as JSON without serializing it, giving up as soon as it is too big or too deep.
 *
 * Returns the byte length of `JSON.stringify(value)` encoded as UTF-8, or `Infinity` when the
 * value exceeds `maxBytes` or `maxDepth`, or holds something JSON cannot carry (binary,
 * functions, `undefined`, non-finite numbers, cycles). Hostile payloads are cut short instead of
 * walked whole.
 */
export function jsonSize(value: unknown, maxBytes: number, maxDepth: number): number {
  let total = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (v === null || typeof v === 'boolean') {
      total += v === false ? 5 : 4;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return Infinity;
      total += String(v).length;
    } else if (typeof v === 'string') {
      total += jsonStringBytes(v, maxBytes - total);
    } else if (typeof v === 'object') {
      if (item.depth >= maxDepth) return Infinity;
      if (Array.isArray(v)) {
        total += 2 + Math.max(0, v.length - 1);
        // Checked before walking: a huge array is refused without visiting its elements.
        if (total > maxBytes) return Infinity;
        for (const element of v) stack.push({ value: element, depth: item.depth + 1 });
      } else {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) return Infinity;
        const keys = Object.keys(v);
        total += 2 + Math.max(0, keys.length - 1);
        for (const key of keys) {
          // The quoted key and its colon.
          total += jsonStringBytes(key, maxBytes - total) + 1;
          if (total > maxBytes) return Infinity;
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

/**
 * UTF-8 bytes of a string as a JSON string literal, quotes and escapes included. Stops counting
 * once past `budget` (the result is then only known to exceed it).
 */
function jsonStringBytes(text: string, budget: number): number {
  let bytes = 2;
  for (let i = 0; i < text.length && bytes <= budget; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x20) bytes += SHORT_ESCAPES.has(code) ? 2 : 6;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 6; // A lone surrogate is written as \uXXXX.
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

// \b \t \n \f \r
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);
