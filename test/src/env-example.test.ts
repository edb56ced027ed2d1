import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relayerEnv } from '@xmargin/relayer';
import { engineEnv } from '@xmargin/schemas/env';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness/index.js';

// .env.example is the operator's list of every variable: it must name each one of the env schemas
// and show its real default, so adding a variable without documenting it fails here.

/** The part of a zod schema this check uses. */
interface Field {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

interface Entry {
  readonly value: string | undefined;
  readonly line: number;
}

function sections(): Map<string, Map<string, Entry>> {
  const out = new Map<string, Map<string, Entry>>();
  let current: Map<string, Entry> | undefined;
  readFileSync(join(repoRoot, '.env.example'), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const header = /^# --- (\w+)/.exec(text);
      if (header) {
        current = new Map();
        out.set(header[1] as string, current);
        return;
      }
      const set = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(text);
      const unset = /^# ([A-Z][A-Z0-9_]*)=$/.exec(text);
      if (set) current?.set(set[1] as string, { value: set[2] as string, line: i + 1 });
      else if (unset) current?.set(unset[1] as string, { value: undefined, line: i + 1 });
    });
  return out;
}

function check(name: string, shape: Readonly<Record<string, Field>>, shared: readonly string[] = []) {
  const entries = sections().get(name);
  expect(entries, `section "# --- ${name}"`).toBeDefined();
  const documented = new Set([...(entries?.keys() ?? []), ...shared]);
  expect([...documented].sort()).toEqual(Object.keys(shape).sort());
  for (const [key, entry] of entries ?? []) {
    const schema = shape[key] as Field;
    const fallback = schema.safeParse(undefined);
    if (entry.value === undefined) {
      // `# KEY=`: optional without a default.
      expect(
        fallback.success && fallback.data === undefined,
        `${key} (line ${entry.line}) has a default`,
      ).toBe(true);
      continue;
    }
    const parsed = schema.safeParse(entry.value);
    expect(parsed.success, `${key}=${entry.value} (line ${entry.line}) is valid`).toBe(true);
    if (fallback.success)
      expect(parsed.data, `${key} (line ${entry.line}) shows the default`).toEqual(fallback.data);
  }
}

describe('.env.example', () => {
  it('lists every engine variable with its default', () => {
    check('engine', engineEnv.shape);
  });
  it('lists every relayer variable with its default (LOG_LEVEL is shared with the engine section)', () => {
    check('relayer', relayerEnv.shape, ['LOG_LEVEL']);
  });
});
