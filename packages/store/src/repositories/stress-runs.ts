import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/types.js';
import { toDate, toJsonParam } from '../db/values.js';
import type { JsonValue } from '../json.js';

export type StressRunStatus = 'queued' | 'running' | 'done' | 'failed';

/** One stress run (contagion spec section 7). JSON columns are returned as stored. */
export interface StressRunRecord {
  readonly id: string;
  readonly label: string | null;
  readonly status: StressRunStatus;
  /** The operator's request body. */
  readonly request: JsonValue;
  /** `{ mode, round }` of the latest executed round; null before the first. */
  readonly progress: JsonValue | null;
  /** `{ asOf, paramsVersion, accountCount }` once the inputs were read. */
  readonly snapshot: JsonValue | null;
  readonly warnings: JsonValue;
  /** Set with the result: a few figures per mode, what lists show. */
  readonly summary: JsonValue | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Present only when read with `get(id, { full: true })`. */
  readonly document?: JsonValue | null;
  readonly result?: JsonValue | null;
  readonly error: JsonValue | null;
}

export interface CreateStressRunParameters {
  /** Default: `stress_<uuid>`. */
  readonly id?: string;
  readonly label?: string | null;
  readonly request: unknown;
  readonly createdBy: string;
}

export interface ListStressRunsParameters {
  /** Default 20, at most 100. */
  readonly limit?: number;
  /** Id of the last run of the previous page: runs created before it. */
  readonly before?: string;
}

export interface StressRunsRepository {
  create(params: CreateStressRunParameters): Promise<StressRunRecord>;
  /** `full` adds the document and the result (large). */
  get(id: string, options?: { readonly full?: boolean }): Promise<StressRunRecord | null>;
  /** Newest first, without document and result. */
  list(params?: ListStressRunsParameters): Promise<StressRunRecord[]>;
  /** The inputs were read: status running, the snapshot, its warnings and the document. */
  start(id: string, snapshot: unknown, warnings: unknown, document: unknown): Promise<void>;
  progress(id: string, progress: unknown): Promise<void>;
  finish(id: string, result: unknown, summary: unknown): Promise<void>;
  fail(id: string, error: unknown): Promise<void>;
}

interface Row {
  id: string;
  label: string | null;
  status: string;
  request: JsonValue;
  progress: JsonValue | null;
  snapshot: JsonValue | null;
  warnings: JsonValue;
  summary: JsonValue | null;
  error: JsonValue | null;
  created_by: string;
  created_at: unknown;
  updated_at: unknown;
  document?: JsonValue | null;
  result?: JsonValue | null;
}

const COLUMNS =
  'id, label, status, request, progress, snapshot, warnings, summary, error, created_by, created_at, updated_at';

const toRecord = (r: Row): StressRunRecord => ({
  id: r.id,
  label: r.label,
  status: r.status as StressRunStatus,
  request: r.request,
  progress: r.progress,
  snapshot: r.snapshot,
  warnings: r.warnings,
  summary: r.summary,
  error: r.error,
  createdBy: r.created_by,
  createdAt: toDate(r.created_at),
  updatedAt: toDate(r.updated_at),
  ...('document' in r ? { document: r.document ?? null, result: r.result ?? null } : {}),
});

export function createStressRunsRepository(ex: Executor): StressRunsRepository {
  const update = async (id: string, set: string, values: unknown[]) => {
    await ex.query(`UPDATE stress_runs SET ${set}, updated_at = now() WHERE id = $1`, [id, ...values]);
  };
  return {
    async create({ id = `stress_${randomUUID()}`, label = null, request, createdBy }) {
      const r = await ex.query<Row>(
        `INSERT INTO stress_runs (id, label, status, request, created_by) VALUES ($1, $2, 'queued', $3::jsonb, $4)
         RETURNING ${COLUMNS}`,
        [id, label, toJsonParam('request', request), createdBy],
      );
      return toRecord(r.rows[0]!);
    },
    async get(id, { full = false } = {}) {
      const r = await ex.query<Row>(
        `SELECT ${COLUMNS}${full ? ', document, result' : ''} FROM stress_runs WHERE id = $1`,
        [id],
      );
      return r.rows[0] ? toRecord(r.rows[0]) : null;
    },
    async list({ limit = 20, before } = {}) {
      const n = Math.min(Math.max(1, Math.floor(limit)), 100);
      const r =
        before === undefined
          ? await ex.query<Row>(
              `SELECT ${COLUMNS} FROM stress_runs ORDER BY created_at DESC, id DESC LIMIT $1`,
              [n],
            )
          : await ex.query<Row>(
              `SELECT ${COLUMNS} FROM stress_runs
               WHERE (created_at, id) < (SELECT created_at, id FROM stress_runs WHERE id = $2)
               ORDER BY created_at DESC, id DESC LIMIT $1`,
              [n, before],
            );
      return r.rows.map(toRecord);
    },
    async start(id, snapshot, warnings, document) {
      await update(
        id,
        "status = 'running', snapshot = $2::jsonb, warnings = $3::jsonb, document = $4::jsonb",
        [
          toJsonParam('snapshot', snapshot),
          toJsonParam('warnings', warnings),
          toJsonParam('document', document),
        ],
      );
    },
    async progress(id, progress) {
      await update(id, 'progress = $2::jsonb', [toJsonParam('progress', progress)]);
    },
    async finish(id, result, summary) {
      await update(id, "status = 'done', result = $2::jsonb, summary = $3::jsonb", [
        toJsonParam('result', result),
        toJsonParam('summary', summary),
      ]);
    },
    async fail(id, error) {
      await update(id, "status = 'failed', error = $2::jsonb", [toJsonParam('error', error)]);
    },
  };
}
