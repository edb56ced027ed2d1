import type { AccountId } from '@xmargin/core';
import { anyOfJsonArray } from '../db/params.js';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toJsonParam } from '../db/values.js';
import type { JsonValue } from '../json.js';

export interface PositionInput {
  /** The protocol's own id for the position (unique per account and protocol). */
  readonly positionId: string;
  /** Underlying the position is exposed to (market-move fan-out looks it up). */
  readonly underlying: string;
  /** The position document (risk-model §6 position object). */
  readonly doc: unknown;
}

export interface PositionRecord<T = JsonValue> {
  readonly account: AccountId;
  readonly protocol: string;
  readonly positionId: string;
  readonly underlying: string;
  readonly doc: T;
  readonly updatedAt: Date;
}

/** Every write names its protocol and the SQL is scoped by it: a protocol never touches another's rows. */
export interface ReplacePositionsParameters {
  readonly protocol: string;
  readonly account: AccountId;
  readonly positions: readonly PositionInput[];
}

export interface UpsertPositionParameters {
  readonly protocol: string;
  readonly account: AccountId;
  readonly position: PositionInput;
}

export interface RemovePositionParameters {
  readonly protocol: string;
  readonly account: AccountId;
  readonly positionId: string;
}

export interface PositionsRepository {
  /** Replaces all of `protocol`'s positions of the account (other protocols' untouched), atomically. */
  replace(params: ReplacePositionsParameters): Promise<PositionRecord[]>;
  upsert(params: UpsertPositionParameters): Promise<PositionRecord>;
  /** Returns whether a position was removed. */
  remove(params: RemovePositionParameters): Promise<boolean>;
  /** All protocols' positions of the account. */
  listByAccount<T = JsonValue>(account: AccountId): Promise<PositionRecord<T>[]>;
  /** All protocols' positions of several accounts in one query; every requested account is a key. */
  listByAccounts<T = JsonValue>(accounts: readonly AccountId[]): Promise<Map<AccountId, PositionRecord<T>[]>>;
  listByProtocol<T = JsonValue>(protocol: string, account: AccountId): Promise<PositionRecord<T>[]>;
  /** Accounts with a position on any of these underlyings (for market-move fan-out). */
  accountsWithUnderlyings(underlyings: readonly string[]): Promise<AccountId[]>;
}

interface PositionRow {
  account_id: string;
  protocol: string;
  position_id: string;
  underlying: string;
  doc: JsonValue;
  updated_at: unknown;
}

const COLUMNS = 'account_id, protocol, position_id, underlying, doc, updated_at';

const toPosition = <T>(r: PositionRow): PositionRecord<T> => ({
  account: r.account_id as AccountId,
  protocol: r.protocol,
  positionId: r.position_id,
  underlying: r.underlying,
  doc: r.doc as T,
  updatedAt: toDate(r.updated_at),
});

async function upsertIn(ex: Executor, { protocol, account, position }: UpsertPositionParameters) {
  const { rows } = await ex.query<PositionRow>(
    `INSERT INTO positions (account_id, protocol, position_id, underlying, doc)
     VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (account_id, protocol, position_id) DO UPDATE SET
       underlying = EXCLUDED.underlying, doc = EXCLUDED.doc, updated_at = now()
     RETURNING ${COLUMNS}`,
    [
      account,
      checkNonEmpty('protocol', protocol),
      checkNonEmpty('positionId', position.positionId),
      checkNonEmpty('underlying', position.underlying),
      toJsonParam('doc', position.doc),
    ],
  );
  return toPosition<JsonValue>(rows[0]!);
}

export function createPositionsRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): PositionsRepository {
  return {
    replace: ({ protocol, account, positions }) =>
      inTransaction(async (tx) => {
        await tx.query('DELETE FROM positions WHERE account_id = $1 AND protocol = $2', [
          account,
          checkNonEmpty('protocol', protocol),
        ]);
        const out: PositionRecord[] = [];
        for (const position of positions) out.push(await upsertIn(tx, { protocol, account, position }));
        return out;
      }),
    upsert: (params) => upsertIn(ex, params),
    async remove({ protocol, account, positionId }) {
      const { rowCount } = await ex.query(
        'DELETE FROM positions WHERE account_id = $1 AND protocol = $2 AND position_id = $3',
        [account, protocol, positionId],
      );
      return rowCount > 0;
    },
    async listByAccount<T>(account: AccountId) {
      const { rows } = await ex.query<PositionRow>(
        `SELECT ${COLUMNS} FROM positions WHERE account_id = $1 ORDER BY protocol, position_id`,
        [account],
      );
      return rows.map((r) => toPosition<T>(r));
    },
    async listByAccounts<T>(accounts: readonly AccountId[]) {
      const out = new Map<AccountId, PositionRecord<T>[]>(accounts.map((a) => [a, []]));
      if (accounts.length === 0) return out;
      const { rows } = await ex.query<PositionRow>(
        `SELECT ${COLUMNS} FROM positions WHERE account_id = ${anyOfJsonArray(1)}
         ORDER BY account_id, protocol, position_id`,
        [JSON.stringify([...out.keys()])],
      );
      for (const r of rows) out.get(r.account_id as AccountId)?.push(toPosition<T>(r));
      return out;
    },
    async listByProtocol<T>(protocol: string, account: AccountId) {
      const { rows } = await ex.query<PositionRow>(
        `SELECT ${COLUMNS} FROM positions WHERE account_id = $1 AND protocol = $2 ORDER BY position_id`,
        [account, protocol],
      );
      return rows.map((r) => toPosition<T>(r));
    },
    async accountsWithUnderlyings(underlyings) {
      const { rows } = await ex.query<{ account_id: string }>(
        `SELECT DISTINCT account_id FROM positions
         WHERE underlying = ${anyOfJsonArray(1)} ORDER BY account_id`,
        [JSON.stringify(underlyings)],
      );
      return rows.map((r) => r.account_id as AccountId);
    },
  };
}
