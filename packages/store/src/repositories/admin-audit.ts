import type { Executor } from '../db/types.js';
import { checkNonEmpty, toBigInt, toDate } from '../db/values.js';

/** One operator action (job retry / discard, stress run started, ...), with the key name that did it. */
export interface AdminAuditRecord {
  readonly id: bigint;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail: string;
  readonly at: Date;
}

export interface RecordAdminActionParameters {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail?: string;
}

export interface ListAdminAuditParameters {
  /** Only entries older than this id (the previous page's last). */
  readonly before?: bigint;
  /** Only actions starting with this prefix (e.g. `job.`). */
  readonly actionPrefix?: string;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

export interface AdminAuditRepository {
  record(p: RecordAdminActionParameters): Promise<AdminAuditRecord>;
  /** Newest first. */
  list(p?: ListAdminAuditParameters): Promise<AdminAuditRecord[]>;
}

interface AuditRow {
  id: unknown;
  actor: string;
  action: string;
  target: string;
  detail: string;
  at: unknown;
}

const COLUMNS = 'id, actor, action, target, detail, at';
const toRecord = (r: AuditRow): AdminAuditRecord => ({
  id: toBigInt(r.id),
  actor: r.actor,
  action: r.action,
  target: r.target,
  detail: r.detail,
  at: toDate(r.at),
});

export function createAdminAuditRepository(ex: Executor): AdminAuditRepository {
  return {
    async record({ actor, action, target, detail = '' }) {
      const { rows } = await ex.query<AuditRow>(
        `INSERT INTO admin_audit (actor, action, target, detail) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [checkNonEmpty('actor', actor), checkNonEmpty('action', action), target, detail],
      );
      return toRecord(rows[0]!);
    },
    async list({ before, actionPrefix, limit = 100 } = {}) {
      const { rows } = await ex.query<AuditRow>(
        `SELECT ${COLUMNS} FROM admin_audit
         WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR starts_with(action, $2))
         ORDER BY id DESC LIMIT $3`,
        [before ?? null, actionPrefix ?? null, Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map(toRecord);
    },
  };
}
