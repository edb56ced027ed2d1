import type { AccountId } from '@xmargin/core';
import { AppError, isAppError } from '@xmargin/errors';
import { anyOfJsonArray } from '../db/params.js';
import type { Executor } from '../db/types.js';
import { checkFiniteNumber, checkNonEmpty, toDate, toNumber } from '../db/values.js';

export interface AccountRecord {
  readonly id: AccountId;
  readonly label: string | null;
  readonly createdAt: Date;
}

export interface LinkedAddressRecord {
  readonly account: AccountId;
  /** Network name from the chain registry. */
  readonly chain: string;
  /** Address as the caller normalized it (e.g. lower-case 0x for EVM, base58 for Solana). */
  readonly address: string;
  readonly linkedAt: Date;
}

export interface CreateAccountParameters {
  readonly id: AccountId;
  readonly label?: string | null;
  /** API key that created it (per-key account caps). */
  readonly createdByKey?: string | null;
}

export interface ListAccountsParameters {
  /** Page size (default 100, at most 10 000). */
  readonly limit?: number;
  /** Keyset pagination: ids strictly greater than this. */
  readonly after?: AccountId;
}

export interface ListAccountsWithMarginParameters extends ListAccountsParameters {
  /** Only accounts that currently grant this protocol (tenancy: what a protocol key may list). */
  readonly grantedTo?: string;
  /** Only accounts whose latest snapshot's maintenance excess is below this (never-margined ones drop out). */
  readonly maxMaintenanceExcess?: number;
}

/** The figures of an account's latest margin snapshot (history row), stable units. */
export interface LatestMarginRecord {
  readonly computedAt: Date;
  readonly equity: number;
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  readonly initialExcess: number;
  readonly maintenanceExcess: number;
}

export interface AccountWithMarginRecord extends AccountRecord {
  /** Null when the account has no snapshot yet. */
  readonly margin: LatestMarginRecord | null;
}

export interface LinkAddressParameters {
  readonly account: AccountId;
  readonly chain: string;
  readonly address: string;
}

export interface AccountsRepository {
  /** Creates an account; LEDGER__CONFLICT when the id exists. */
  create(params: CreateAccountParameters): Promise<AccountRecord>;
  /** How many accounts this API key created. */
  countCreatedBy(keyId: string): Promise<number>;
  /** Creates the account when missing; returns it either way. */
  ensure(params: CreateAccountParameters): Promise<AccountRecord>;
  get(id: AccountId): Promise<AccountRecord | null>;
  /** Like `get`, but LEDGER__NOT_FOUND when missing. */
  require(id: AccountId): Promise<AccountRecord>;
  /** Which of these accounts exist (one query; the recompute workers check a batch at once). */
  existing(ids: readonly AccountId[]): Promise<Set<AccountId>>;
  /** Accounts in id order (keyset pagination). */
  list(params?: ListAccountsParameters): Promise<AccountRecord[]>;
  /**
   * Accounts in id order (keyset pagination, like `list`) with their latest snapshot's figures, filtered
   * by grant and by maintenance excess in the same query (the margin snapshots' index serves the join).
   */
  listWithMargin(params?: ListAccountsWithMarginParameters): Promise<AccountWithMarginRecord[]>;
  /**
   * Links an address on a chain to the account. Idempotent for the same account; LEDGER__CONFLICT when
   * the (chain, address) is linked to another account.
   */
  linkAddress(params: LinkAddressParameters): Promise<LinkedAddressRecord>;
  /** Returns whether a link was removed. */
  unlinkAddress(params: LinkAddressParameters): Promise<boolean>;
  addresses(account: AccountId): Promise<LinkedAddressRecord[]>;
  /** The account an address is linked to on a chain, if any. */
  findByAddress(chain: string, address: string): Promise<AccountId | null>;
}

interface AccountRow {
  id: string;
  label: string | null;
  created_at: unknown;
}
interface AccountMarginRow extends AccountRow {
  computed_at: unknown;
  equity: unknown;
  initial_requirement: unknown;
  maintenance_requirement: unknown;
}
interface LinkRow {
  account_id: string;
  chain: string;
  address: string;
  linked_at: unknown;
}

const toAccount = (r: AccountRow): AccountRecord => ({
  id: r.id as AccountId,
  label: r.label,
  createdAt: toDate(r.created_at),
});
const toMargin = (r: AccountMarginRow): LatestMarginRecord | null => {
  if (r.computed_at === null || r.computed_at === undefined) return null;
  const equity = toNumber(r.equity);
  const initialRequirement = toNumber(r.initial_requirement);
  const maintenanceRequirement = toNumber(r.maintenance_requirement);
  return {
    computedAt: toDate(r.computed_at),
    equity,
    initialRequirement,
    maintenanceRequirement,
    initialExcess: equity - initialRequirement,
    maintenanceExcess: equity - maintenanceRequirement,
  };
};
const toLink = (r: LinkRow): LinkedAddressRecord => ({
  account: r.account_id as AccountId,
  chain: r.chain,
  address: r.address,
  linkedAt: toDate(r.linked_at),
});

export function createAccountsRepository(ex: Executor): AccountsRepository {
  const get = async (id: AccountId): Promise<AccountRecord | null> => {
    const { rows } = await ex.query<AccountRow>('SELECT id, label, created_at FROM accounts WHERE id = $1', [
      id,
    ]);
    return rows[0] ? toAccount(rows[0]) : null;
  };
  return {
    async create({ id, label = null, createdByKey = null }) {
      try {
        const { rows } = await ex.query<AccountRow>(
          'INSERT INTO accounts (id, label, created_by_key) VALUES ($1, $2, $3) RETURNING id, label, created_at',
          [checkNonEmpty('id', id), label, createdByKey],
        );
        return toAccount(rows[0]!);
      } catch (err) {
        if (isAppError(err, 'LEDGER__CONFLICT'))
          throw new AppError('LEDGER__CONFLICT', { context: { entity: 'account', id }, cause: err });
        throw err;
      }
    },
    async countCreatedBy(keyId) {
      const { rows } = await ex.query<{ n: unknown }>(
        'SELECT count(*) AS n FROM accounts WHERE created_by_key = $1',
        [keyId],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async ensure({ id, label = null }) {
      await ex.query('INSERT INTO accounts (id, label) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
        checkNonEmpty('id', id),
        label,
      ]);
      return (await get(id))!;
    },
    get,
    async require(id) {
      const found = await get(id);
      if (!found) throw new AppError('LEDGER__NOT_FOUND', { context: { entity: 'account', id } });
      return found;
    },
    async existing(ids) {
      if (ids.length === 0) return new Set();
      const { rows } = await ex.query<{ id: string }>(
        `SELECT id FROM accounts WHERE id = ${anyOfJsonArray(1)}`,
        [JSON.stringify(ids)],
      );
      return new Set(rows.map((r) => r.id as AccountId));
    },
    async list({ limit = 100, after } = {}) {
      const { rows } = await ex.query<AccountRow>(
        'SELECT id, label, created_at FROM accounts WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2',
        [after ?? null, Math.min(Math.max(1, limit), 10_000)],
      );
      return rows.map(toAccount);
    },
    async listWithMargin({ limit = 100, after, grantedTo, maxMaintenanceExcess } = {}) {
      const { rows } = await ex.query<AccountMarginRow>(
        `SELECT a.id, a.label, a.created_at, m.computed_at, m.equity, m.initial_requirement,
                m.maintenance_requirement
         FROM accounts a
         LEFT JOIN LATERAL (
           SELECT computed_at, equity, initial_requirement, maintenance_requirement FROM margin_snapshots s
           WHERE s.account_id = a.id ORDER BY s.computed_at DESC, s.id DESC LIMIT 1
         ) m ON true
         WHERE ($1::text IS NULL OR a.id > $1)
           AND ($2::text IS NULL OR EXISTS (
             SELECT 1 FROM account_grants g
             WHERE g.account_id = a.id AND g.protocol = $2 AND g.revoked_at IS NULL))
           AND ($3::numeric IS NULL OR m.equity - m.maintenance_requirement < $3::numeric)
         ORDER BY a.id LIMIT $4`,
        [
          after ?? null,
          grantedTo ?? null,
          maxMaintenanceExcess === undefined
            ? null
            : String(checkFiniteNumber('maxMaintenanceExcess', maxMaintenanceExcess)),
          Math.min(Math.max(1, limit), 10_000),
        ],
      );
      return rows.map((r) => ({ ...toAccount(r), margin: toMargin(r) }));
    },
    async linkAddress({ account, chain, address }) {
      const { rows } = await ex.query<LinkRow>(
        `INSERT INTO linked_addresses (chain, address, account_id) VALUES ($1, $2, $3)
         ON CONFLICT (chain, address) DO NOTHING
         RETURNING account_id, chain, address, linked_at`,
        [checkNonEmpty('chain', chain), checkNonEmpty('address', address), account],
      );
      if (rows[0]) return toLink(rows[0]);
      const existing = await ex.query<LinkRow>(
        'SELECT account_id, chain, address, linked_at FROM linked_addresses WHERE chain = $1 AND address = $2',
        [chain, address],
      );
      const row = existing.rows[0];
      if (row && row.account_id === account) return toLink(row);
      throw new AppError('LEDGER__CONFLICT', {
        context: { entity: 'linked_address', id: `${chain}:${address}` },
        details: 'address is linked to another account',
      });
    },
    async unlinkAddress({ account, chain, address }) {
      const { rowCount } = await ex.query(
        'DELETE FROM linked_addresses WHERE account_id = $1 AND chain = $2 AND address = $3',
        [account, chain, address],
      );
      return rowCount > 0;
    },
    async addresses(account) {
      const { rows } = await ex.query<LinkRow>(
        'SELECT account_id, chain, address, linked_at FROM linked_addresses WHERE account_id = $1 ORDER BY chain, address',
        [account],
      );
      return rows.map(toLink);
    },
    async findByAddress(chain, address) {
      const { rows } = await ex.query<{ account_id: string }>(
        'SELECT account_id FROM linked_addresses WHERE chain = $1 AND address = $2',
        [chain, address],
      );
      return rows[0] ? (rows[0].account_id as AccountId) : null;
    },
  };
}
