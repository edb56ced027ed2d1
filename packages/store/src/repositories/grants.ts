import type { AccountId } from '@xmargin/core';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toNullableDate } from '../db/values.js';

/**
 * An account's authorisation of a protocol to report its positions. `grantedBy` says how it was given:
 * `evm:0x…` / `solana:…` (a signature by that linked address, kept with the signed message),
 * `creator:<key id>` (the protocol key that created the account), `admin:<name>` or `migration`.
 */
export interface GrantRecord {
  readonly account: AccountId;
  readonly protocol: string;
  readonly grantedBy: string;
  readonly message: string | null;
  readonly signature: string | null;
  readonly grantedAt: Date;
  readonly revokedAt: Date | null;
  readonly revokedBy: string | null;
}

export interface GrantProtocolParameters {
  readonly account: AccountId;
  readonly protocol: string;
  readonly grantedBy: string;
  readonly message?: string | null;
  readonly signature?: string | null;
}

export interface GrantsRepository {
  /** Grants (or grants again after a revocation); returns the active grant. */
  grant(params: GrantProtocolParameters): Promise<GrantRecord>;
  /** Revokes an active grant; false when there was none. */
  revoke(params: { account: AccountId; protocol: string; revokedBy: string }): Promise<boolean>;
  isGranted(account: AccountId, protocol: string): Promise<boolean>;
  /** Every grant of the account, active and revoked, by protocol. */
  list(account: AccountId): Promise<GrantRecord[]>;
}

interface GrantRow {
  account_id: string;
  protocol: string;
  granted_by: string;
  message: string | null;
  signature: string | null;
  granted_at: unknown;
  revoked_at: unknown;
  revoked_by: string | null;
}

const COLUMNS = 'account_id, protocol, granted_by, message, signature, granted_at, revoked_at, revoked_by';

const toGrant = (r: GrantRow): GrantRecord => ({
  account: r.account_id as AccountId,
  protocol: r.protocol,
  grantedBy: r.granted_by,
  message: r.message,
  signature: r.signature,
  grantedAt: toDate(r.granted_at),
  revokedAt: toNullableDate(r.revoked_at),
  revokedBy: r.revoked_by,
});

export function createGrantsRepository(ex: Executor): GrantsRepository {
  return {
    async grant({ account, protocol, grantedBy, message = null, signature = null }) {
      const { rows } = await ex.query<GrantRow>(
        `INSERT INTO account_grants (account_id, protocol, granted_by, message, signature)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id, protocol) DO UPDATE SET granted_by = EXCLUDED.granted_by,
           message = EXCLUDED.message, signature = EXCLUDED.signature, granted_at = now(),
           revoked_at = NULL, revoked_by = NULL
         RETURNING ${COLUMNS}`,
        [
          account,
          checkNonEmpty('protocol', protocol),
          checkNonEmpty('grantedBy', grantedBy),
          message,
          signature,
        ],
      );
      return toGrant(rows[0]!);
    },
    async revoke({ account, protocol, revokedBy }) {
      const { rowCount } = await ex.query(
        `UPDATE account_grants SET revoked_at = now(), revoked_by = $3
         WHERE account_id = $1 AND protocol = $2 AND revoked_at IS NULL`,
        [account, protocol, checkNonEmpty('revokedBy', revokedBy)],
      );
      return rowCount > 0;
    },
    async isGranted(account, protocol) {
      const { rows } = await ex.query<{ one: unknown }>(
        'SELECT 1 AS one FROM account_grants WHERE account_id = $1 AND protocol = $2 AND revoked_at IS NULL',
        [account, protocol],
      );
      return rows.length > 0;
    },
    async list(account) {
      const { rows } = await ex.query<GrantRow>(
        `SELECT ${COLUMNS} FROM account_grants WHERE account_id = $1 ORDER BY protocol`,
        [account],
      );
      return rows.map(toGrant);
    },
  };
}
