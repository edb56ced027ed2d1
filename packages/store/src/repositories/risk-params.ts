import { AppError } from '@xmargin/errors';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toJsonParam, toNullableDate, toNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';
import { diffJson, type JsonDiffEntry } from '../json-diff.js';

export type RiskParamStatus = 'draft' | 'active' | 'retired';

/** Who changed the parameters: an operator, or the volatility scaler (dynamic parameters). */
export type RiskParamReason = 'manual' | 'auto';

export interface RiskParamVersion<T = JsonValue> {
  readonly version: number;
  readonly status: RiskParamStatus;
  /** The parameter document (risk-model §6 `params`: a preset with overrides, or a full object). */
  readonly params: T;
  readonly note: string | null;
  readonly reason: RiskParamReason;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly activatedBy: string | null;
  readonly activatedAt: Date | null;
}

export type RiskParamAction = 'propose' | 'activate' | 'retire';

export interface RiskParamAuditEntry {
  readonly id: bigint;
  readonly version: number;
  readonly action: RiskParamAction;
  readonly actor: string;
  readonly at: Date;
  readonly reason: RiskParamReason;
  /** For propose and activate: changes from the version active at that moment (all 'add' if none). */
  readonly diff: readonly JsonDiffEntry[];
}

export interface ProposeRiskParamsParameters {
  readonly params: unknown;
  readonly actor: string;
  readonly note?: string;
  /** Default 'manual'. */
  readonly reason?: RiskParamReason;
}

export interface ActivateRiskParamsParameters {
  readonly version: number;
  readonly actor: string;
  /** Default 'manual'. */
  readonly reason?: RiskParamReason;
}

export interface ListRiskParamAuditParameters {
  readonly version?: number;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

export interface RiskParamsRepository {
  /** Stores a new draft version and its audit row (diff against the active version). */
  propose(params: ProposeRiskParamsParameters): Promise<RiskParamVersion>;
  /**
   * Makes a draft (or retired) version the active one, retiring the previous active one, with audit rows,
   * in one transaction. LEDGER__NOT_FOUND for an unknown version; activating the active one is a no-op.
   */
  activate(params: ActivateRiskParamsParameters): Promise<RiskParamVersion>;
  getActive<T = JsonValue>(): Promise<RiskParamVersion<T> | null>;
  get<T = JsonValue>(version: number): Promise<RiskParamVersion<T> | null>;
  /** Latest version first. */
  list(params?: { readonly limit?: number }): Promise<RiskParamVersion[]>;
  /** Latest entry first. */
  audit(params?: ListRiskParamAuditParameters): Promise<RiskParamAuditEntry[]>;
}

interface VersionRow {
  version: unknown;
  status: string;
  params: JsonValue;
  note: string | null;
  reason: string;
  created_by: string;
  created_at: unknown;
  activated_by: string | null;
  activated_at: unknown;
}
interface AuditRow {
  id: unknown;
  version: unknown;
  action: string;
  actor: string;
  at: unknown;
  reason: string;
  diff: JsonDiffEntry[];
}

/** The tables of one versioned, audited parameter family. */
export interface ParamTables {
  readonly versions: string;
  readonly audit: string;
  /** The entity named by LEDGER__NOT_FOUND. */
  readonly entity: string;
  /** Whether the tables record a version's reason (manual or auto); without it every version is manual. */
  readonly withReason: boolean;
}

const RISK_TABLES: ParamTables = {
  versions: 'risk_param_versions',
  audit: 'risk_param_audit',
  entity: 'risk_params',
  withReason: true,
};

const toVersion = <T>(r: VersionRow): RiskParamVersion<T> => ({
  version: toNumber(r.version),
  status: r.status as RiskParamStatus,
  params: r.params as T,
  note: r.note,
  reason: r.reason as RiskParamReason,
  createdBy: r.created_by,
  createdAt: toDate(r.created_at),
  activatedBy: r.activated_by,
  activatedAt: toNullableDate(r.activated_at),
});

const toAudit = (r: AuditRow): RiskParamAuditEntry => ({
  id: BigInt(String(r.id)),
  version: toNumber(r.version),
  action: r.action as RiskParamAction,
  actor: r.actor,
  at: toDate(r.at),
  reason: r.reason as RiskParamReason,
  diff: r.diff,
});

export function createRiskParamsRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): RiskParamsRepository {
  return createVersionedParamsRepository(ex, inTransaction, RISK_TABLES);
}

/**
 * A versioned, audited parameter family over its two tables (risk parameters, liquidation parameters):
 * drafts, one active version, retired ones, and an audit row with the diff for every change.
 */
export function createVersionedParamsRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
  t: ParamTables,
): RiskParamsRepository {
  const reasonColumn = t.withReason ? 'reason' : `'manual' AS reason`;
  const COLUMNS = `version, status, params, note, ${reasonColumn}, created_by, created_at, activated_by, activated_at`;
  const activeIn = async (x: Executor): Promise<RiskParamVersion | null> => {
    const { rows } = await x.query<VersionRow>(
      `SELECT ${COLUMNS} FROM ${t.versions} WHERE status = 'active'`,
    );
    return rows[0] ? toVersion(rows[0]) : null;
  };
  const auditIn = async (
    x: Executor,
    version: number,
    action: RiskParamAction,
    actor: string,
    diff: unknown,
    reason: RiskParamReason,
  ) => {
    if (t.withReason) {
      await x.query(
        `INSERT INTO ${t.audit} (version, action, actor, diff, reason) VALUES ($1, $2, $3, $4::jsonb, $5)`,
        [version, action, actor, toJsonParam('diff', diff), reason],
      );
    } else {
      await x.query(`INSERT INTO ${t.audit} (version, action, actor, diff) VALUES ($1, $2, $3, $4::jsonb)`, [
        version,
        action,
        actor,
        toJsonParam('diff', diff),
      ]);
    }
  };
  const get = async <T>(version: number): Promise<RiskParamVersion<T> | null> => {
    const { rows } = await ex.query<VersionRow>(`SELECT ${COLUMNS} FROM ${t.versions} WHERE version = $1`, [
      version,
    ]);
    return rows[0] ? toVersion<T>(rows[0]) : null;
  };
  return {
    propose: ({ params, actor, note, reason: asked = 'manual' }) =>
      inTransaction(async (tx) => {
        const reason = t.withReason ? asked : 'manual';
        const doc = toJsonParam('params', params);
        const { rows } = t.withReason
          ? await tx.query<VersionRow>(
              `INSERT INTO ${t.versions} (status, params, note, created_by, reason)
               VALUES ('draft', $1::jsonb, $2, $3, $4) RETURNING ${COLUMNS}`,
              [doc, note ?? null, checkNonEmpty('actor', actor), reason],
            )
          : await tx.query<VersionRow>(
              `INSERT INTO ${t.versions} (status, params, note, created_by)
               VALUES ('draft', $1::jsonb, $2, $3) RETURNING ${COLUMNS}`,
              [doc, note ?? null, checkNonEmpty('actor', actor)],
            );
        const created = toVersion<JsonValue>(rows[0]!);
        const active = await activeIn(tx);
        await auditIn(
          tx,
          created.version,
          'propose',
          actor,
          diffJson(active?.params, created.params),
          reason,
        );
        return created;
      }),
    activate: ({ version, actor, reason: asked = 'manual' }) =>
      inTransaction(async (tx) => {
        const reason = t.withReason ? asked : 'manual';
        checkNonEmpty('actor', actor);
        // Serializes concurrent activations on the version table; the partial unique index would reject
        // a second active row anyway, but as a conflict instead of a clean hand-over.
        await tx.query(`LOCK TABLE ${t.versions} IN SHARE ROW EXCLUSIVE MODE`);
        const { rows } = await tx.query<VersionRow>(
          `SELECT ${COLUMNS} FROM ${t.versions} WHERE version = $1`,
          [version],
        );
        const target = rows[0] ? toVersion<JsonValue>(rows[0]) : null;
        if (!target) {
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: t.entity, id: String(version) },
          });
        }
        if (target.status === 'active') return target;
        const previous = await activeIn(tx);
        if (previous) {
          await tx.query(`UPDATE ${t.versions} SET status = 'retired' WHERE version = $1`, [
            previous.version,
          ]);
          await auditIn(tx, previous.version, 'retire', actor, [], reason);
        }
        const updated = await tx.query<VersionRow>(
          `UPDATE ${t.versions} SET status = 'active', activated_by = $2, activated_at = now()
           WHERE version = $1 RETURNING ${COLUMNS}`,
          [version, actor],
        );
        await auditIn(tx, version, 'activate', actor, diffJson(previous?.params, target.params), reason);
        return toVersion<JsonValue>(updated.rows[0]!);
      }),
    getActive: async <T>() => (await activeIn(ex)) as RiskParamVersion<T> | null,
    get,
    async list({ limit = 100 } = {}) {
      const { rows } = await ex.query<VersionRow>(
        `SELECT ${COLUMNS} FROM ${t.versions} ORDER BY version DESC LIMIT $1`,
        [Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map((r) => toVersion<JsonValue>(r));
    },
    async audit({ version, limit = 100 } = {}) {
      const { rows } = await ex.query<AuditRow>(
        `SELECT id, version, action, actor, at, ${reasonColumn}, diff FROM ${t.audit}
         WHERE ($1::int IS NULL OR version = $1) ORDER BY id DESC LIMIT $2`,
        [version ?? null, Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map(toAudit);
    },
  };
}
