import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '@xmargin/errors';

/**
 * Where the relayer keeps, per emitter, the next sequence it has not yet delivered (every lower one was
 * posted and accepted). Sequences above it may already have been posted: after a restart they are
 * posted again and the engine answers them as duplicates, so the cursor only needs to be a low-water mark.
 */
export interface CursorStore {
  load(key: string): Promise<bigint | undefined>;
  save(key: string, next: bigint): Promise<void>;
}

export function createMemoryCursorStore(initial: Readonly<Record<string, bigint>> = {}): CursorStore & {
  readonly snapshot: () => Record<string, bigint>;
} {
  const cursors = new Map(Object.entries(initial));
  return {
    load: async (key) => cursors.get(key),
    save: async (key, next) => {
      cursors.set(key, next);
    },
    snapshot: () => Object.fromEntries(cursors),
  };
}

/**
 * A JSON file `{ "<key>": "<next>" }`, rewritten atomically (temp file + rename) so a crash mid-write
 * leaves the previous cursors rather than a truncated file.
 */
export function createFileCursorStore(path: string): CursorStore {
  let cache: Map<string, bigint> | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function read(): Promise<Map<string, bigint>> {
    if (cache) return cache;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') {
        cache = new Map();
        return cache;
      }
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      cache = new Map(
        Object.entries(parsed).map(([k, v]) => {
          if (typeof v !== 'string' || !/^\d+$/.test(v))
            throw new Error(`cursor ${k} is not a decimal string`);
          return [k, BigInt(v)];
        }),
      );
      return cache;
    } catch (cause) {
      throw new AppError('CONFIG__INVALID', {
        context: { issues: [{ path, message: 'cursor file is not a { key: "<sequence>" } JSON object' }] },
        cause,
      });
    }
  }

  return {
    load: async (key) => (await read()).get(key),
    async save(key, next) {
      const cursors = await read();
      cursors.set(key, next);
      const text = JSON.stringify(
        Object.fromEntries([...cursors].map(([k, v]) => [k, v.toString()])),
        null,
        2,
      );
      // Writes are chained so two saves never interleave their temp-file renames.
      writing = writing.then(async () => {
        await mkdir(dirname(path), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, `${text}\n`, 'utf8');
        await rename(tmp, path);
      });
      await writing;
    },
  };
}
