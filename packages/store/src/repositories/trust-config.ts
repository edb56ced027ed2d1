import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toJsonParam, toNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';
import { diffJson, type JsonDiffEntry } from '../json-diff.js';

/** The trust root: the guardian trust store and the attestation registry (emitters, tokens, feeds). */
export type TrustConfigName = 'trust-store' | 'registry';

export interface TrustConfigRecord<T = JsonValue> {
  readonly name: TrustConfigName;
  readonly doc: T;
  /** 1 for the first document, +1 per change. */
  readonly version: number;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

export interface TrustConfigAuditEntry {
  readonly id: bigint;
  readonly name: TrustConfigName;
  readonly version: number;
  /** What the actor did: 'replace', 'upgrade' (a guardian set rotation), ... */
  readonly action: string;
  readonly actor: string;
  readonly at: Date;
  /** Changes from the previous document (all 'add' for the first). */
  readonly diff: readonly JsonDiffEntry[];
}

export interface PutTrustConfigParameters {
  readonly name: TrustConfigName;
  readonly doc: unknown;
  readonly actor: string;
  readonly action: string;
}

export interface TrustConfigRepository {
  get<T = JsonValue>(name: TrustConfigName): Promise<TrustConfigRecord<T> | null>;
  /** Stores a new version of the document with its audit row, in one transaction. */
  put(params: PutTrustConfigParameters): Promise<TrustConfigRecord>;
  /** Latest entry first (default 100, at most 1000). */
  audit(params?: {
    readonly name?: TrustConfigName;
    readonly limit?: number;
  }): Promise<TrustConfigAuditEntry[]>;
}

interface ConfigRow {
  name: string;
  doc: JsonValue;
  version: unknown;
  updated_by: string;
  updated_at: unknown;
}
interface AuditRow {
  id: unknown;
  name: string;
  version: unknown;
  action: string;
  actor: string;
  at: unknown;
  diff: JsonDiffEntry[];
}

const toRecord = <T>(r: ConfigRow): TrustConfigRecord<T> => ({
  name: r.name as TrustConfigName,
  doc: r.doc as T,
  version: toNumber(r.version),
  updatedBy: r.updated_by,
  updatedAt: toDate(r.updated_at),
});

export function createTrustConfigRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): TrustConfigRepository {
  return {
    async get<T>(name: TrustConfigName) {
      const { rows } = await ex.query<ConfigRow>(
        'SELECT name, doc, version, updated_by, updated_at FROM trust_config WHERE name = $1',
        [name],
      );
      return rows[0] ? toRecord<T>(rows[0]) : null;
    },
    put: ({ name, doc, actor, action }) =>
      inTransaction(async (tx) => {
        checkNonEmpty('actor', actor);
        const text = toJsonParam('doc', doc);
        // Row lock: two admins changing the trust root at once are serialised, each audited against the
        // document it replaced.
        const previous = await tx.query<ConfigRow>(
          'SELECT name, doc, version, updated_by, updated_at FROM trust_config WHERE name = $1 FOR UPDATE',
          [name],
        );
        const before = previous.rows[0];
        const { rows } = await tx.query<ConfigRow>(
          `INSERT INTO trust_config (name, doc, version, updated_by) VALUES ($1, $2::jsonb, 1, $3)
           ON CONFLICT (name) DO UPDATE SET doc = EXCLUDED.doc, version = trust_config.version + 1,
             updated_by = EXCLUDED.updated_by, updated_at = now()
           RETURNING name, doc, version, updated_by, updated_at`,
          [name, text, actor],
        );
        const record = toRecord<JsonValue>(rows[0]!);
        await tx.query(
          'INSERT INTO trust_config_audit (name, version, action, actor, diff) VALUES ($1, $2, $3, $4, $5::jsonb)',
          [
            name,
            record.version,
            checkNonEmpty('action', action),
            actor,
            toJsonParam('diff', diffJson(before?.doc, record.doc)),
          ],
        );
        return record;
      }),
    async audit({ name, limit = 100 } = {}) {
      const { rows } = await ex.query<AuditRow>(
        `SELECT id, name, version, action, actor, at, diff FROM trust_config_audit
         WHERE ($1::text IS NULL OR name = $1) ORDER BY id DESC LIMIT $2`,
        [name ?? null, Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map((r) => ({
        id: BigInt(String(r.id)),
        name: r.name as TrustConfigName,
        version: toNumber(r.version),
        action: r.action,
        actor: r.actor,
        at: toDate(r.at),
        diff: r.diff,
      }));
    },
  };
}
