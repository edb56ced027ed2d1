import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AccountId } from '@xmargin/core';
import type { Executor } from '../db/types.js';
import {
  checkFiniteNumber,
  checkNonEmpty,
  toBigInt,
  toDate,
  toJsonParam,
  toNullableNumber,
  toNumber,
} from '../db/values.js';
import type { JsonValue } from '../json.js';

export interface InsertMarginSnapshotParameters {
  readonly account: AccountId;
  readonly computedAt: Date;
  /** Hash of the risk input document, so an unchanged input can be recognised and skipped. */
  readonly inputHash: string;
  readonly paramsVersion?: number | null;
  /** Stable units, as the risk engine returns them. */
  readonly equity: number;
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  /** The full risk-model §6 output document. */
  readonly result: unknown;
}

export interface MarginSnapshotRecord<T = JsonValue> {
  readonly id: bigint;
  readonly account: AccountId;
  readonly computedAt: Date;
  readonly inputHash: string;
  readonly paramsVersion: number | null;
  readonly equity: number;
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  /** equity - initialRequirement. */
  readonly initialExcess: number;
  /** equity - maintenanceRequirement (negative: liquidatable). */
  readonly maintenanceExcess: number;
  readonly result: T;
}

export interface MarginHistoryParameters {
  /** Default 100, at most 1000. */
  readonly limit?: number;
  /** Only snapshots computed strictly before this time (pagination). */
  readonly before?: Date;
}

export interface ListLatestSnapshotsParameters {
  /** Default 100, at most 10 000. */
  readonly limit?: number;
  /** Only accounts whose maintenance excess is below this (e.g. near liquidation). */
  readonly maxMaintenanceExcess?: number;
}

export interface SnapshotsRepository {
  insert(params: InsertMarginSnapshotParameters): Promise<MarginSnapshotRecord>;
  /**
   * Appends several snapshots in one statement (one round trip, one commit) and returns how many were
   * stored. Returns nothing else: the recompute workers write history in batches and never read it back.
   */
  insertMany(params: readonly InsertMarginSnapshotParameters[]): Promise<number>;
  latest<T = JsonValue>(account: AccountId): Promise<MarginSnapshotRecord<T> | null>;
  /** Latest first. */
  history<T = JsonValue>(
    account: AccountId,
    params?: MarginHistoryParameters,
  ): Promise<MarginSnapshotRecord<T>[]>;
  /** The latest snapshot of each account, lowest maintenance excess (closest to liquidation) first. */
  listLatest<T = JsonValue>(params?: ListLatestSnapshotsParameters): Promise<MarginSnapshotRecord<T>[]>;
  /** Deletes an account's snapshots older than `before`, keeping the latest one; returns how many. */
  prune(account: AccountId, before: Date): Promise<number>;
  /**
   * Retention over the whole history: deletes up to `limit` rows older than `before`, never an
   * account's latest row; returns how many (call again while it returns `limit`).
   */
  pruneBefore(before: Date, limit: number): Promise<number>;
}

interface SnapshotRow {
  id: unknown;
  account_id: string;
  computed_at: unknown;
  input_hash: string;
  params_version: unknown;
  equity: unknown;
  initial_requirement: unknown;
  maintenance_requirement: unknown;
  /** Rows written before migration 2. */
  result: JsonValue | null;
  /** Raw-deflated JSON text (every row written since migration 2). */
  result_deflate: Uint8Array | null;
}

const COLUMNS =
  'id, account_id, computed_at, input_hash, params_version, equity, initial_requirement, maintenance_requirement, result, result_deflate';

const toSnapshot = <T>(r: SnapshotRow): MarginSnapshotRecord<T> => {
  const equity = toNumber(r.equity);
  const initialRequirement = toNumber(r.initial_requirement);
  const maintenanceRequirement = toNumber(r.maintenance_requirement);
  return {
    id: toBigInt(r.id),
    account: r.account_id as AccountId,
    computedAt: toDate(r.computed_at),
    inputHash: r.input_hash,
    paramsVersion: toNullableNumber(r.params_version),
    equity,
    initialRequirement,
    maintenanceRequirement,
    initialExcess: equity - initialRequirement,
    maintenanceExcess: equity - maintenanceRequirement,
    result: (r.result_deflate === null
      ? r.result
      : JSON.parse(inflateRawSync(r.result_deflate).toString('utf8'))) as T,
  };
};

// Level 1: the history is written on every recompute and read rarely; higher levels cost the writing
// worker several times the CPU for a few percent less space.
const deflateJson = (field: string, value: unknown): Buffer =>
  deflateRawSync(Buffer.from(toJsonParam(field, value), 'utf8'), { level: 1 });

// NUMERIC takes JS number text as is (including exponent form); finite numbers only.
const num = (field: string, v: number): string => String(checkFiniteNumber(field, v));

const rowValues = (p: InsertMarginSnapshotParameters): unknown[] => [
  p.account,
  p.computedAt,
  checkNonEmpty('inputHash', p.inputHash),
  p.paramsVersion ?? null,
  num('equity', p.equity),
  num('initialRequirement', p.initialRequirement),
  num('maintenanceRequirement', p.maintenanceRequirement),
  deflateJson('result', p.result),
];

// Postgres allows 65 535 parameters per statement: 8 per row.
const MAX_ROWS_PER_STATEMENT = 8_000;

export function createSnapshotsRepository(ex: Executor): SnapshotsRepository {
  return {
    async insert(p) {
      const { rows } = await ex.query<SnapshotRow>(
        `INSERT INTO margin_snapshots (account_id, computed_at, input_hash, params_version, equity,
                                       initial_requirement, maintenance_requirement, result_deflate)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        rowValues(p),
      );
      return toSnapshot<JsonValue>(rows[0]!);
    },
    async insertMany(items) {
      let stored = 0;
      for (let start = 0; start < items.length; start += MAX_ROWS_PER_STATEMENT) {
        const chunk = items.slice(start, start + MAX_ROWS_PER_STATEMENT);
        const params = chunk.flatMap(rowValues);
        const tuples = chunk.map((_, i) => {
          const o = i * 8;
          return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8})`;
        });
        const { rowCount } = await ex.query(
          `INSERT INTO margin_snapshots (account_id, computed_at, input_hash, params_version, equity,
                                         initial_requirement, maintenance_requirement, result_deflate)
           VALUES ${tuples.join(', ')}`,
          params,
        );
        stored += rowCount;
      }
      return stored;
    },
    async latest<T>(account: AccountId) {
      const { rows } = await ex.query<SnapshotRow>(
        `SELECT ${COLUMNS} FROM margin_snapshots WHERE account_id = $1 ORDER BY computed_at DESC, id DESC LIMIT 1`,
        [account],
      );
      return rows[0] ? toSnapshot<T>(rows[0]) : null;
    },
    async history<T>(account: AccountId, { limit = 100, before }: MarginHistoryParameters = {}) {
      const { rows } = await ex.query<SnapshotRow>(
        `SELECT ${COLUMNS} FROM margin_snapshots
         WHERE account_id = $1 AND ($2::timestamptz IS NULL OR computed_at < $2)
         ORDER BY computed_at DESC, id DESC LIMIT $3`,
        [account, before ?? null, Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map((r) => toSnapshot<T>(r));
    },
    async listLatest<T>({ limit = 100, maxMaintenanceExcess }: ListLatestSnapshotsParameters = {}) {
      const { rows } = await ex.query<SnapshotRow>(
        `SELECT * FROM (
           SELECT DISTINCT ON (account_id) ${COLUMNS} FROM margin_snapshots
           ORDER BY account_id, computed_at DESC, id DESC
         ) latest
         WHERE ($1::numeric IS NULL OR equity - maintenance_requirement < $1::numeric)
         ORDER BY equity - maintenance_requirement ASC, account_id
         LIMIT $2`,
        [
          maxMaintenanceExcess === undefined ? null : num('maxMaintenanceExcess', maxMaintenanceExcess),
          Math.min(Math.max(1, limit), 10_000),
        ],
      );
      return rows.map((r) => toSnapshot<T>(r));
    },
    async pruneBefore(before, limit) {
      const { rowCount } = await ex.query(
        `DELETE FROM margin_snapshots WHERE id IN (
           SELECT m.id FROM margin_snapshots m
           WHERE m.computed_at < $1
             AND EXISTS (SELECT 1 FROM margin_snapshots n
                         WHERE n.account_id = m.account_id AND (n.computed_at, n.id) > (m.computed_at, m.id))
           LIMIT $2)`,
        [before, Math.max(1, Math.floor(limit))],
      );
      return rowCount;
    },
    async prune(account, before) {
      const { rowCount } = await ex.query(
        `DELETE FROM margin_snapshots
         WHERE account_id = $1 AND computed_at < $2
           AND id <> (SELECT id FROM margin_snapshots WHERE account_id = $1 ORDER BY computed_at DESC, id DESC LIMIT 1)`,
        [account, before],
      );
      return rowCount;
    },
  };
}
