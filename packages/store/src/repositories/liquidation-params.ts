import { AppError } from '@xmargin/errors';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toJsonParam, toNullableDate, toNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';
import { diffJson, type JsonDiffEntry } from '../json-diff.js';

import type {
  RiskParamAction,
  RiskParamAuditEntry,
  RiskParamStatus,
  RiskParamsRepository,
  RiskParamVersion,
} from './risk-params.js';

// Liquidation auction parameters (liquidation spec section 2) are versioned and audited exactly like
// the risk parameters: the same repository contract over their own two tables.
export type LiquidationParamsRepository = RiskParamsRepository;

interface VersionRow {
  version: unknown;
  status: string;
  params: JsonValue;
  note: string | null;
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
  diff: JsonDiffEntry[];
}

const COLUMNS = 'version, status, params, note, created_by, created_at, activated_by, activated_at';

const toVersion = <T>(r: VersionRow): RiskParamVersion<T> => ({
  version: toNumber(r.version),
  status: r.status as RiskParamStatus,
  params: r.params as T,
  note: r.note,
  createdBy: r.created_by,
  createdAt: toDate(r.created_at),
  activatedBy: r.activated_by,
  activatedAt: toNullableDate(r.activated_at),
  // Liquidation parameters are only ever versioned by operators (no volatility scaler).
  reason: 'manual',
});

const toAudit = (r: AuditRow): RiskParamAuditEntry => ({
  id: BigInt(String(r.id)),
  version: toNumber(r.version),
  action: r.action as RiskParamAction,
  actor: r.actor,
  at: toDate(r.at),
  diff: r.diff,
  reason: 'manual',
});

async function activeIn(ex: Executor): Promise<RiskParamVersion | null> {
  const { rows } = await ex.query<VersionRow>(
    `SELECT ${COLUMNS} FROM liquidation_param_versions WHERE status = 'active'`,
  );
  return rows[0] ? toVersion(rows[0]) : null;
}

async function auditIn(ex: Executor, version: number, action: RiskParamAction, actor: string, diff: unknown) {
  await ex.query(
    'INSERT INTO liquidation_param_audit (version, action, actor, diff) VALUES ($1, $2, $3, $4::jsonb)',
    [version, action, actor, toJsonParam('diff', diff)],
  );
}

export function createLiquidationParamsRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): LiquidationParamsRepository {
  const get = async <T>(version: number): Promise<RiskParamVersion<T> | null> => {
    const { rows } = await ex.query<VersionRow>(
      `SELECT ${COLUMNS} FROM liquidation_param_versions WHERE version = $1`,
      [version],
    );
    return rows[0] ? toVersion<T>(rows[0]) : null;
  };
  return {
    propose: ({ params, actor, note }) =>
      inTransaction(async (tx) => {
        const doc = toJsonParam('params', params);
        const { rows } = await tx.query<VersionRow>(
          `INSERT INTO liquidation_param_versions (status, params, note, created_by) VALUES ('draft', $1::jsonb, $2, $3)
           RETURNING ${COLUMNS}`,
          [doc, note ?? null, checkNonEmpty('actor', actor)],
        );
        const created = toVersion<JsonValue>(rows[0]!);
        const active = await activeIn(tx);
        await auditIn(tx, created.version, 'propose', actor, diffJson(active?.params, created.params));
        return created;
      }),
    activate: ({ version, actor }) =>
      inTransaction(async (tx) => {
        checkNonEmpty('actor', actor);
        // Serializes concurrent activations on the version table; the partial unique index would reject
        // a second active row anyway, but as a conflict instead of a clean hand-over.
        await tx.query('LOCK TABLE liquidation_param_versions IN SHARE ROW EXCLUSIVE MODE');
        const { rows } = await tx.query<VersionRow>(
          `SELECT ${COLUMNS} FROM liquidation_param_versions WHERE version = $1`,
          [version],
        );
        const target = rows[0] ? toVersion<JsonValue>(rows[0]) : null;
        if (!target) {
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'liquidation_params', id: String(version) },
          });
        }
        if (target.status === 'active') return target;
        const previous = await activeIn(tx);
        if (previous) {
          await tx.query(`UPDATE liquidation_param_versions SET status = 'retired' WHERE version = $1`, [
            previous.version,
          ]);
          await auditIn(tx, previous.version, 'retire', actor, []);
        }
        const updated = await tx.query<VersionRow>(
          `UPDATE liquidation_param_versions SET status = 'active', activated_by = $2, activated_at = now()
           WHERE version = $1 RETURNING ${COLUMNS}`,
          [version, actor],
        );
        await auditIn(tx, version, 'activate', actor, diffJson(previous?.params, target.params));
        return toVersion<JsonValue>(updated.rows[0]!);
      }),
    getActive: async <T>() => (await activeIn(ex)) as RiskParamVersion<T> | null,
    get,
    async list({ limit = 100 } = {}) {
      const { rows } = await ex.query<VersionRow>(
        `SELECT ${COLUMNS} FROM liquidation_param_versions ORDER BY version DESC LIMIT $1`,
        [Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map((r) => toVersion<JsonValue>(r));
    },
    async audit({ version, limit = 100 } = {}) {
      const { rows } = await ex.query<AuditRow>(
        `SELECT id, version, action, actor, at, diff FROM liquidation_param_audit
         WHERE ($1::int IS NULL OR version = $1) ORDER BY id DESC LIMIT $2`,
        [version ?? null, Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map(toAudit);
    },
  };
}
