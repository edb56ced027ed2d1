import type { AccountId } from '@xmargin/core';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate, toNullableDate } from '../db/values.js';

/** What a signed challenge authorises: linking its address, or granting / revoking a protocol. */
export type ChallengePurpose = 'link' | 'grant' | 'revoke';

/** A pending proof-of-ownership for linking an address: the engine issues and verifies, the store keeps. */
export interface LinkChallengeRecord {
  readonly purpose: ChallengePurpose;
  /** The protocol a grant or revoke challenge names (null for links). */
  readonly protocol: string | null;
  readonly nonce: string;
  readonly account: AccountId;
  readonly chain: string;
  readonly address: string;
  /** The exact message the address owner must sign. */
  readonly message: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly consumedAt: Date | null;
}

export interface CreateChallengeParameters {
  /** Default 'link'. */
  readonly purpose?: ChallengePurpose;
  readonly protocol?: string | null;
  readonly nonce: string;
  readonly account: AccountId;
  readonly chain: string;
  readonly address: string;
  readonly message: string;
  readonly expiresAt: Date;
}

export interface ChallengesRepository {
  /** LEDGER__CONFLICT on a reused nonce; LEDGER__NOT_FOUND when the account does not exist. */
  create(params: CreateChallengeParameters): Promise<LinkChallengeRecord>;
  get(nonce: string): Promise<LinkChallengeRecord | null>;
  /**
   * Marks the challenge used, atomically: returns it only if it existed, was unused and `now` is before
   * its expiry, so two concurrent verifications cannot both succeed. Null otherwise.
   */
  consume(nonce: string, now: Date): Promise<LinkChallengeRecord | null>;
  /** Deletes challenges that expired before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

interface ChallengeRow {
  purpose: string;
  protocol: string | null;
  nonce: string;
  account_id: string;
  chain: string;
  address: string;
  message: string;
  created_at: unknown;
  expires_at: unknown;
  consumed_at: unknown;
}

const COLUMNS =
  'purpose, protocol, nonce, account_id, chain, address, message, created_at, expires_at, consumed_at';

const toChallenge = (r: ChallengeRow): LinkChallengeRecord => ({
  purpose: r.purpose as ChallengePurpose,
  protocol: r.protocol,
  nonce: r.nonce,
  account: r.account_id as AccountId,
  chain: r.chain,
  address: r.address,
  message: r.message,
  createdAt: toDate(r.created_at),
  expiresAt: toDate(r.expires_at),
  consumedAt: toNullableDate(r.consumed_at),
});

export function createChallengesRepository(ex: Executor): ChallengesRepository {
  return {
    async create({ purpose = 'link', protocol = null, nonce, account, chain, address, message, expiresAt }) {
      const { rows } = await ex.query<ChallengeRow>(
        `INSERT INTO link_challenges (purpose, protocol, nonce, account_id, chain, address, message, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [purpose, protocol, checkNonEmpty('nonce', nonce), account, chain, address, message, expiresAt],
      );
      return toChallenge(rows[0]!);
    },
    async get(nonce) {
      const { rows } = await ex.query<ChallengeRow>(
        `SELECT ${COLUMNS} FROM link_challenges WHERE nonce = $1`,
        [nonce],
      );
      return rows[0] ? toChallenge(rows[0]) : null;
    },
    async consume(nonce, now) {
      const { rows } = await ex.query<ChallengeRow>(
        `UPDATE link_challenges SET consumed_at = $2
         WHERE nonce = $1 AND consumed_at IS NULL AND expires_at > $2
         RETURNING ${COLUMNS}`,
        [nonce, now],
      );
      return rows[0] ? toChallenge(rows[0]) : null;
    },
    async purgeExpired(now) {
      const { rowCount } = await ex.query('DELETE FROM link_challenges WHERE expires_at <= $1', [now]);
      return rowCount;
    },
  };
}
