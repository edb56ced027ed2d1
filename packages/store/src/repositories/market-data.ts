import { AppError } from '@xmargin/errors';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toJsonParam, toNullableNumber, toNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';

/**
 * 'market': per underlying, `{ spot, spotConfidence, perp?, expiries: [...] }` (risk-model §6 `markets.X`);
 * 'price': per collateral asset, `{ price, confidence }`; 'stable': the stable unit, `{ price, confidence }`.
 */
export type MarketDataKind = 'market' | 'price' | 'stable';

export interface MarketDataRecord<T = JsonValue> {
  readonly kind: MarketDataKind;
  /** Underlying (market), asset symbol (price) or stable unit name (stable). */
  readonly key: string;
  readonly doc: T;
  /** Starts at 1, +1 per applied write. */
  readonly version: number;
  /** Unix seconds of the data (e.g. Pyth publish time), when known. */
  readonly observedAt: number | null;
  /** Who wrote it: 'pyth', 'admin:<actor>', ... */
  readonly source: string | null;
  readonly updatedAt: Date;
}

export interface PutMarketDataParameters {
  readonly kind: MarketDataKind;
  readonly key: string;
  readonly doc: unknown;
  /** When set, the write applies only if no stored document has a later `observedAt`. */
  readonly observedAt?: number;
  readonly source?: string;
  /** Optimistic concurrency: applies only if the stored version is this (0 = must not exist yet). */
  readonly expectedVersion?: number;
}

export interface PutMarketDataResult {
  /** False when skipped: older `observedAt` than the stored one. */
  readonly applied: boolean;
  readonly record: MarketDataRecord;
}

/** Market data in the shape of the risk-model input document (§6 `stable`, `prices`, `markets`). */
export interface MarketDataSnapshot<M = JsonValue, P = JsonValue> {
  readonly stable: P | null;
  readonly prices: Record<string, P>;
  readonly markets: Record<string, M>;
  /** Latest `updatedAt` among them (null when empty). */
  readonly updatedAt: Date | null;
}

export interface MarketDataRepository {
  /**
   * Writes a document. LEDGER__CONFLICT when `expectedVersion` does not match; not applied (and no error)
   * when `observedAt` is older than the stored one.
   */
  put(params: PutMarketDataParameters): Promise<PutMarketDataResult>;
  get<T = JsonValue>(kind: MarketDataKind, key: string): Promise<MarketDataRecord<T> | null>;
  list<T = JsonValue>(kind?: MarketDataKind): Promise<MarketDataRecord<T>[]>;
  /** Everything, grouped as the risk input document wants it ('stable' takes the first stable key). */
  snapshot<M = JsonValue, P = JsonValue>(): Promise<MarketDataSnapshot<M, P>>;
  remove(kind: MarketDataKind, key: string): Promise<boolean>;
}

interface MarketRow {
  kind: string;
  key: string;
  doc: JsonValue;
  version: unknown;
  observed_at: unknown;
  source: string | null;
  updated_at: unknown;
}

const COLUMNS = 'kind, key, doc, version, observed_at, source, updated_at';
const KINDS: readonly MarketDataKind[] = ['market', 'price', 'stable'];

const toRecord = <T>(r: MarketRow): MarketDataRecord<T> => ({
  kind: r.kind as MarketDataKind,
  key: r.key,
  doc: r.doc as T,
  version: toNumber(r.version),
  observedAt: toNullableNumber(r.observed_at),
  source: r.source,
  updatedAt: toDate(r.updated_at),
});

export function createMarketDataRepository(ex: Executor): MarketDataRepository {
  const get = async <T>(kind: MarketDataKind, key: string): Promise<MarketDataRecord<T> | null> => {
    const { rows } = await ex.query<MarketRow>(
      `SELECT ${COLUMNS} FROM market_data WHERE kind = $1 AND key = $2`,
      [kind, key],
    );
    return rows[0] ? toRecord<T>(rows[0]) : null;
  };
  return {
    async put({ kind, key, doc, observedAt, source, expectedVersion }) {
      if (!KINDS.includes(kind)) {
        throw new AppError('LEDGER__INVALID_INPUT', {
          context: { field: 'kind', reason: `expected one of ${KINDS.join(', ')}` },
        });
      }
      checkNonEmpty('key', key);
      const docParam = toJsonParam('doc', doc);
      if (expectedVersion === 0) {
        const { rows } = await ex.query<MarketRow>(
          `INSERT INTO market_data (kind, key, doc, observed_at, source) VALUES ($1, $2, $3::jsonb, $4, $5)
           ON CONFLICT (kind, key) DO NOTHING RETURNING ${COLUMNS}`,
          [kind, key, docParam, observedAt ?? null, source ?? null],
        );
        if (!rows[0]) {
          throw new AppError('LEDGER__CONFLICT', {
            context: { entity: 'market_data', id: `${kind}:${key}` },
            details: 'expected no stored document',
          });
        }
        return { applied: true, record: toRecord(rows[0]) };
      }
      // One statement each: the freshness and version guards hold even with concurrent writers.
      const freshness =
        '($4::bigint IS NULL OR market_data.observed_at IS NULL OR market_data.observed_at <= $4::bigint)';
      const { rows } =
        expectedVersion === undefined
          ? await ex.query<MarketRow>(
              `INSERT INTO market_data (kind, key, doc, observed_at, source) VALUES ($1, $2, $3::jsonb, $4, $5)
               ON CONFLICT (kind, key) DO UPDATE SET
                 doc = EXCLUDED.doc, observed_at = EXCLUDED.observed_at, source = EXCLUDED.source,
                 version = market_data.version + 1, updated_at = now()
               WHERE ${freshness}
               RETURNING ${COLUMNS}`,
              [kind, key, docParam, observedAt ?? null, source ?? null],
            )
          : await ex.query<MarketRow>(
              `UPDATE market_data SET doc = $3::jsonb, observed_at = $4, source = $5,
                 version = market_data.version + 1, updated_at = now()
               WHERE kind = $1 AND key = $2 AND version = $6 AND ${freshness}
               RETURNING ${COLUMNS}`,
              [kind, key, docParam, observedAt ?? null, source ?? null, expectedVersion],
            );
      if (rows[0]) return { applied: true, record: toRecord(rows[0]) };
      const found = await get<JsonValue>(kind, key);
      if (!found) {
        throw new AppError('LEDGER__CONFLICT', {
          context: { entity: 'market_data', id: `${kind}:${key}` },
          details: `expected version ${expectedVersion}, found none`,
        });
      }
      const current = found;
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new AppError('LEDGER__CONFLICT', {
          context: { entity: 'market_data', id: `${kind}:${key}` },
          details: `expected version ${expectedVersion}, found ${current.version}`,
        });
      }
      return { applied: false, record: current };
    },
    get,
    async list<T>(kind?: MarketDataKind) {
      const { rows } = await ex.query<MarketRow>(
        `SELECT ${COLUMNS} FROM market_data WHERE ($1::text IS NULL OR kind = $1) ORDER BY kind, key`,
        [kind ?? null],
      );
      return rows.map((r) => toRecord<T>(r));
    },
    async snapshot<M, P>() {
      const { rows } = await ex.query<MarketRow>(`SELECT ${COLUMNS} FROM market_data ORDER BY kind, key`);
      const prices: Record<string, P> = {};
      const markets: Record<string, M> = {};
      let stable: P | null = null;
      let updatedAt: Date | null = null;
      for (const r of rows) {
        const at = toDate(r.updated_at);
        if (!updatedAt || at > updatedAt) updatedAt = at;
        if (r.kind === 'market') markets[r.key] = r.doc as M;
        else if (r.kind === 'price') prices[r.key] = r.doc as P;
        else if (stable === null) stable = r.doc as P;
      }
      return { stable, prices, markets, updatedAt };
    },
    async remove(kind, key) {
      const { rowCount } = await ex.query('DELETE FROM market_data WHERE kind = $1 AND key = $2', [
        kind,
        key,
      ]);
      return rowCount > 0;
    },
  };
}
