import type { ChainCursor } from '@xmargin/core';
import type { Executor } from '../db/types.js';
import { checkHeight, checkNonEmpty, toBigInt, toDate } from '../db/values.js';

export interface ChainCursorRecord extends ChainCursor {
  readonly updatedAt: Date;
}

/** Where each chain indexer stopped: the last fully processed height and its block hash. */
export interface CursorsRepository {
  get(chain: string): Promise<ChainCursorRecord | null>;
  /** Sets the cursor (it may move back: a reorg rollback rewinds it). */
  set(cursor: ChainCursor): Promise<ChainCursorRecord>;
  list(): Promise<ChainCursorRecord[]>;
}

interface CursorRow {
  chain: string;
  height: unknown;
  block_hash: string;
  updated_at: unknown;
}

const toCursor = (r: CursorRow): ChainCursorRecord => ({
  chain: r.chain,
  height: toBigInt(r.height),
  blockHash: r.block_hash,
  updatedAt: toDate(r.updated_at),
});

export async function setCursor(
  ex: Executor,
  { chain, height, blockHash }: ChainCursor,
): Promise<ChainCursorRecord> {
  const { rows } = await ex.query<CursorRow>(
    `INSERT INTO chain_cursors (chain, height, block_hash) VALUES ($1, $2, $3)
     ON CONFLICT (chain) DO UPDATE SET height = EXCLUDED.height, block_hash = EXCLUDED.block_hash, updated_at = now()
     RETURNING chain, height, block_hash, updated_at`,
    [checkNonEmpty('chain', chain), checkHeight('height', height), blockHash],
  );
  return toCursor(rows[0]!);
}

export function createCursorsRepository(ex: Executor): CursorsRepository {
  return {
    async get(chain) {
      const { rows } = await ex.query<CursorRow>(
        'SELECT chain, height, block_hash, updated_at FROM chain_cursors WHERE chain = $1',
        [chain],
      );
      return rows[0] ? toCursor(rows[0]) : null;
    },
    set: (cursor) => setCursor(ex, cursor),
    async list() {
      const { rows } = await ex.query<CursorRow>(
        'SELECT chain, height, block_hash, updated_at FROM chain_cursors ORDER BY chain',
      );
      return rows.map(toCursor);
    },
  };
}
