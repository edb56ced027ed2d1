import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { Executor } from '../db/types.js';
import { checkHeight, checkNonEmpty, checkU256, toBigInt, toDate, toNullableBigInt } from '../db/values.js';

export type WithdrawalReservationKind = 'authorised' | 'forced';

/**
 * Collateral that counts as withdrawn before the chain shows it (see migration 6): an engine-authorised
 * withdrawal, or a forced withdrawal the account requested on chain.
 */
export interface WithdrawalReservationRecord {
  /** Also the EIP-712 nonce of an authorised withdrawal. */
  readonly id: bigint;
  readonly account: AccountId;
  readonly kind: WithdrawalReservationKind;
  readonly chain: string;
  readonly asset: string;
  /** Vault account, universal form (as balances store it). */
  readonly holder: string;
  /** Token, universal form. */
  readonly token: string;
  readonly amount: bigint;
  readonly recipient: string;
  /** Unix seconds: the signed deadline, or when a forced withdrawal becomes executable. */
  readonly deadline: bigint;
  /** When the reservation stops counting if the withdrawal was never observed on chain. */
  readonly expiresAt: Date;
  /** Idempotency key: the client's request id, or the on-chain event of a forced request. */
  readonly requestKey: string;
  /** Block of the on-chain debit, once observed. */
  readonly executedHeight: bigint | null;
  readonly createdAt: Date;
}

export interface CreateWithdrawalReservationParameters {
  readonly account: AccountId;
  readonly kind: WithdrawalReservationKind;
  readonly chain: string;
  readonly asset: string;
  readonly holder: string;
  readonly token: string;
  readonly amount: bigint;
  readonly recipient?: string;
  readonly deadline: bigint;
  readonly expiresAt: Date;
  readonly requestKey: string;
}

export interface WithdrawalReservationsRepository {
  /**
   * Serialises withdrawal decisions for one account until the enclosing transaction ends (a Postgres
   * advisory lock): two requests can never both be checked against the same margin. Call it inside
   * `store.transaction`, before reading the balances the decision depends on.
   */
  lockAccount(account: AccountId): Promise<void>;
  /** LEDGER__CONFLICT when the account already used `requestKey`. */
  create(params: CreateWithdrawalReservationParameters): Promise<WithdrawalReservationRecord>;
  /**
   * Like `create`, but an existing (account, requestKey) is returned unchanged with `created: false`
   * (forced-withdrawal requests are indexed again after a restart or a reorg re-read).
   */
  createOnce(
    params: CreateWithdrawalReservationParameters,
  ): Promise<{ reservation: WithdrawalReservationRecord; created: boolean }>;
  /** Records the block of an authorised withdrawal's debit (by nonce and vault account). */
  markExecuted(p: { chain: string; holder: string; id: bigint; height: bigint }): Promise<AccountId | null>;
  /**
   * An attested withdrawal (the vault's own message, carrying the debit's block) may arrive before the
   * indexer reads the vault's event for it: the open reservation it executes gets its block now, so the
   * attested balance (already debited) is not reduced by it once more. Only an unambiguous match counts:
   * exactly one open reservation of that holder, token and amount; with several, the indexer's event
   * (by nonce) settles which one executed. Returns the account, or null when nothing was marked.
   */
  markAttestedWithdrawal(p: {
    chain: string;
    holder: string;
    token: string;
    amount: bigint;
    height: bigint;
  }): Promise<AccountId | null>;
  /** Records the block of a forced withdrawal's debit: closes the open forced reservations of that token. */
  markForcedExecuted(p: {
    chain: string;
    holder: string;
    token: string;
    height: bigint;
  }): Promise<AccountId[]>;
  /**
   * A new forced request for (chain, holder, token) replaces the previous one on chain: the older open
   * forced reservations stop counting (all but `keep`, the new request's key).
   */
  replaceForced(p: { chain: string; holder: string; token: string; keep: string }): Promise<number>;
  /**
   * Stops counting a reservation whose withdrawal will never execute (an engine-sent transfer the chain
   * refused). False when it was already executed or closed.
   */
  release(id: bigint): Promise<boolean>;
  /** Reservations still counted for an account (not yet observed on chain, not expired). */
  listOpen(account: AccountId): Promise<WithdrawalReservationRecord[]>;
}

interface ReservationRow {
  id: unknown;
  account_id: string;
  kind: string;
  chain: string;
  asset: string;
  holder: string;
  token: string;
  amount: unknown;
  recipient: string;
  deadline: unknown;
  expires_at: unknown;
  request_key: string;
  executed_height: unknown;
  created_at: unknown;
}

const COLUMNS =
  'id, account_id, kind, chain, asset, holder, token, amount, recipient, deadline, expires_at, request_key, executed_height, created_at';

const toReservation = (r: ReservationRow): WithdrawalReservationRecord => ({
  id: toBigInt(r.id),
  account: r.account_id as AccountId,
  kind: r.kind as WithdrawalReservationKind,
  chain: r.chain,
  asset: r.asset,
  holder: r.holder,
  token: r.token,
  amount: toBigInt(r.amount),
  recipient: r.recipient,
  deadline: toBigInt(r.deadline),
  expiresAt: toDate(r.expires_at),
  requestKey: r.request_key,
  executedHeight: toNullableBigInt(r.executed_height),
  createdAt: toDate(r.created_at),
});

/**
 * SQL for the part of a balance row (alias `b`) held by open reservations. Shared with the balance
 * repository, which subtracts it wherever balances are read. A reservation observed on chain at height H
 * still counts against observations older than H (they predate the debit), never against newer ones.
 */
export const reservedAmountSql = (b: string): string => `COALESCE((
  SELECT sum(w.amount) FROM withdrawal_reservations w
  WHERE w.account_id = ${b}.account_id AND w.chain = ${b}.chain AND w.asset = ${b}.asset
    AND w.holder = ${b}.holder AND ${b}.source <> 'query'
    AND CASE WHEN w.executed_height IS NULL THEN w.expires_at > now() ELSE ${b}.height < w.executed_height END
), 0)`;

function insertParams(p: CreateWithdrawalReservationParameters): unknown[] {
  if (p.amount <= 0n) {
    throw new AppError('LEDGER__INVALID_INPUT', { context: { field: 'amount', reason: 'must be positive' } });
  }
  return [
    p.account,
    p.kind,
    checkNonEmpty('chain', p.chain),
    checkNonEmpty('asset', p.asset),
    checkNonEmpty('holder', p.holder),
    checkNonEmpty('token', p.token),
    checkU256('amount', p.amount),
    p.recipient ?? '',
    checkHeight('deadline', p.deadline),
    p.expiresAt,
    checkNonEmpty('requestKey', p.requestKey),
  ];
}

const INSERT = `INSERT INTO withdrawal_reservations (account_id, kind, chain, asset, holder, token, amount, recipient,
                                              deadline, expires_at, request_key)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;

export function createWithdrawalReservationsRepository(ex: Executor): WithdrawalReservationsRepository {
  return {
    async lockAccount(account) {
      await ex.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 14))', [`withdrawal:${account}`]);
    },
    async create(params) {
      const { rows } = await ex.query<ReservationRow>(`${INSERT} RETURNING ${COLUMNS}`, insertParams(params));
      return toReservation(rows[0] as ReservationRow);
    },
    async createOnce(params) {
      const { rows } = await ex.query<ReservationRow>(
        `${INSERT} ON CONFLICT (account_id, request_key) DO NOTHING RETURNING ${COLUMNS}`,
        insertParams(params),
      );
      if (rows[0]) return { reservation: toReservation(rows[0]), created: true };
      const existing = await ex.query<ReservationRow>(
        `SELECT ${COLUMNS} FROM withdrawal_reservations WHERE account_id = $1 AND request_key = $2`,
        [params.account, params.requestKey],
      );
      return { reservation: toReservation(existing.rows[0] as ReservationRow), created: false };
    },
    async markExecuted({ chain, holder, id, height }) {
      const { rows } = await ex.query<{ account_id: string }>(
        `UPDATE withdrawal_reservations SET executed_height = $4
         WHERE id = $3 AND chain = $1 AND holder = $2 AND kind = 'authorised' RETURNING account_id`,
        [chain, holder, id, checkHeight('height', height)],
      );
      return (rows[0]?.account_id as AccountId | undefined) ?? null;
    },
    async markAttestedWithdrawal({ chain, holder, token, amount, height }) {
      const { rows } = await ex.query<{ account_id: string }>(
        `UPDATE withdrawal_reservations SET executed_height = $5
         WHERE id = (
           SELECT min(id) FROM withdrawal_reservations
           WHERE chain = $1 AND holder = $2 AND token = $3 AND amount = $4 AND executed_height IS NULL
             AND expires_at > now()
           HAVING count(*) = 1
         )
         RETURNING account_id`,
        [chain, holder, token, checkU256('amount', amount), checkHeight('height', height)],
      );
      return (rows[0]?.account_id as AccountId | undefined) ?? null;
    },
    async markForcedExecuted({ chain, holder, token, height }) {
      const { rows } = await ex.query<{ account_id: string }>(
        `UPDATE withdrawal_reservations SET executed_height = $4
         WHERE chain = $1 AND holder = $2 AND token = $3 AND kind = 'forced' AND executed_height IS NULL
         RETURNING account_id`,
        [chain, holder, token, checkHeight('height', height)],
      );
      return [...new Set(rows.map((r) => r.account_id as AccountId))];
    },
    async replaceForced({ chain, holder, token, keep }) {
      const { rowCount } = await ex.query(
        `UPDATE withdrawal_reservations SET expires_at = now()
         WHERE chain = $1 AND holder = $2 AND token = $3 AND kind = 'forced' AND executed_height IS NULL
           AND expires_at > now() AND request_key <> $4`,
        [chain, holder, token, keep],
      );
      return rowCount;
    },
    async release(id) {
      const { rowCount } = await ex.query(
        `UPDATE withdrawal_reservations SET expires_at = now()
         WHERE id = $1 AND executed_height IS NULL AND expires_at > now()`,
        [id],
      );
      return rowCount > 0;
    },
    async listOpen(account) {
      const { rows } = await ex.query<ReservationRow>(
        `SELECT ${COLUMNS} FROM withdrawal_reservations
         WHERE account_id = $1 AND executed_height IS NULL AND expires_at > now() ORDER BY id`,
        [account],
      );
      return rows.map(toReservation);
    },
  };
}
