import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '@xmargin/errors';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toNullableDate } from '../db/values.js';

/** sha256 hex of an API key secret: the only form the store keeps. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  /** e.g. admin, protocol, relayer, viewer (the engine defines the roles). */
  readonly role: string;
  /** What the key is limited to, e.g. the protocol name for a protocol key; null when unscoped. */
  readonly scope: string | null;
  readonly keyHash: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface CreateApiKeyParameters {
  /** Default: a random `key_<uuid>`. */
  readonly id?: string;
  readonly name: string;
  readonly role: string;
  readonly scope?: string | null;
  /** `hashApiKey(secret)`; the secret itself is never stored. */
  readonly keyHash: string;
}

export interface ApiKeysRepository {
  /** LEDGER__CONFLICT when the id or the hash exists. */
  create(params: CreateApiKeyParameters): Promise<ApiKeyRecord>;
  /** The key with this hash, unless revoked (pass includeRevoked to see revoked keys too). */
  findByHash(keyHash: string, options?: { readonly includeRevoked?: boolean }): Promise<ApiKeyRecord | null>;
  get(id: string): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  /** Returns whether a key was revoked now (false: unknown or already revoked). */
  revoke(id: string, at?: Date): Promise<boolean>;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: string;
  scope: string | null;
  key_hash: string;
  created_at: unknown;
  revoked_at: unknown;
}

const COLUMNS = 'id, name, role, scope, key_hash, created_at, revoked_at';

const toKey = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  scope: r.scope,
  keyHash: r.key_hash,
  createdAt: toDate(r.created_at),
  revokedAt: toNullableDate(r.revoked_at),
});

const HASH_RE = /^[0-9a-f]{64}$/;

export function createApiKeysRepository(ex: Executor): ApiKeysRepository {
  return {
    async create({ id = `key_${randomUUID()}`, name, role, scope = null, keyHash }) {
      if (!HASH_RE.test(keyHash)) {
        throw new AppError('LEDGER__INVALID_INPUT', {
          context: { field: 'keyHash', reason: 'expected sha256 lower-case hex (hashApiKey)' },
        });
      }
      const { rows } = await ex.query<ApiKeyRow>(
        `INSERT INTO api_keys (id, name, role, scope, key_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [checkNonEmpty('id', id), checkNonEmpty('name', name), checkNonEmpty('role', role), scope, keyHash],
      );
      return toKey(rows[0]!);
    },
    async findByHash(keyHash, { includeRevoked = false } = {}) {
      const { rows } = await ex.query<ApiKeyRow>(
        `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND ($2::boolean OR revoked_at IS NULL)`,
        [keyHash, includeRevoked],
      );
      return rows[0] ? toKey(rows[0]) : null;
    },
    async get(id) {
      const { rows } = await ex.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
      return rows[0] ? toKey(rows[0]) : null;
    },
    async list() {
      const { rows } = await ex.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`);
      return rows.map(toKey);
    },
    async revoke(id, at) {
      const { rowCount } = await ex.query(
        'UPDATE api_keys SET revoked_at = COALESCE($2::timestamptz, now()) WHERE id = $1 AND revoked_at IS NULL',
        [id, at ?? null],
      );
      return rowCount > 0;
    },
  };
}
