import type { JsonValue } from './json.js';

/** One difference between two JSON documents; `path` is a JSON Pointer (RFC 6901). */
export interface JsonDiffEntry {
  readonly path: string;
  readonly op: 'add' | 'remove' | 'replace';
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Structural diff for the audit log: leaves and whole arrays that changed, keys in sorted order. */
export function diffJson(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  path = '',
): JsonDiffEntry[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, op: 'add', after: after as JsonValue }];
  if (after === undefined) return [{ path, op: 'remove', before }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], `${path}/${escapePointer(k)}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, op: 'replace', before, after }];
}
