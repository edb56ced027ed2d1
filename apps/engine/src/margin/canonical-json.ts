import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Canonical text of objects many documents share (market data, parameters), by identity. They come
// from the per-process global inputs cache and are never mutated, so the text cannot go stale.
const sharedText = new WeakMap<object, string>();

/**
 * canonicalJson of an object whose listed top-level members are shared, read-only objects: their text
 * is computed once per object instead of once per document. Gives exactly canonicalJson's text (same
 * key order, same omissions), so input hashes do not change.
 */
export function canonicalJsonWithShared(value: object, sharedKeys: ReadonlySet<string>): string {
  const members = value as Readonly<Record<string, unknown>>;
  const parts: string[] = [];
  for (const key of Object.keys(members).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const v = members[key];
    let text: string | undefined;
    if (sharedKeys.has(key) && v !== null && typeof v === 'object') {
      text = sharedText.get(v);
      if (text === undefined) {
        text = canonicalJson(v);
        sharedText.set(v, text);
      }
    } else {
      text = canonicalJson(v);
    }
    // JSON.stringify leaves out members whose value has no JSON text (undefined, functions).
    if (text === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
