import type { AccountId, CollateralPollResult, ObservationSource, TrustClass } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { anyOfJsonArray } from '../db/params.js';
import type { Executor } from '../db/types.js';
import { checkHeight, checkNonEmpty, checkU256, toBigInt, toDate, toNumber } from '../db/values.js';
import { setCursor } from './cursors.js';
import { reservedAmountSql } from './withdrawal-reservations.js';

/**
 * One observed balance. A `CollateralObservation` from `@xmargin/core` is assignable to it. The key is
 * (account, chain, asset, source, holder): an account may hold the same asset on one chain through
 * several linked addresses, each its own balance.
 */
export interface BalanceUpdate {
  readonly account: AccountId;
  readonly chain: string;
  readonly asset: string;
  readonly source: ObservationSource;
  /** Holder on chain, as the adapter reports it (universal form). */
  readonly holder: string;
  /** Token contract or mint (universal form). */
  readonly token: string;
  /** Balance after the observation, raw units (u256). */
  readonly amount: bigint;
  readonly decimals: number;
  /** Block number or slot. */
  readonly height: bigint;
  /**
   * Order within one height (log index, vault nonce): of two observations at the same height the higher
   * ordinal wins. Default 0.
   */
  readonly ordinal?: bigint;
  readonly blockHash?: string;
  /** Unix seconds of the block. */
  readonly observedAt: number;
  /** Event or read that produced it, for audit. */
  readonly ref?: string;
  /** Default from the source: `query` (a wallet proof) is unescrowed, vault observations escrowed. */
  readonly trust?: TrustClass;
}

export interface BalanceRecord {
  readonly account: AccountId;
  readonly chain: string;
  readonly asset: string;
  readonly source: ObservationSource;
  readonly holder: string;
  readonly token: string;
  /**
   * The amount that counts: the proved amount, or 0 while a wallet proof is superseded by a later vault
   * observation of the same holder and token (`supersededAtHeight`), so funds moved into the vault are
   * not counted twice.
   */
  readonly amount: bigint;
  /** The amount the observation proved. */
  readonly provedAmount: bigint;
  /** Height of the vault observation that made this wallet proof count at zero; null when it counts. */
  readonly supersededAtHeight: bigint | null;
  readonly decimals: number;
  readonly height: bigint;
  readonly ordinal: bigint;
  readonly blockHash: string;
  readonly observedAt: number;
  readonly ref: string;
  /** `escrowed` (vault, Solana escrow) or `unescrowed` (wallet balance that can leave at any time). */
  readonly trust: TrustClass;
  /** Replay key of the attestation that set it, when it came from one. */
  readonly replayKey: string | null;
  readonly updatedAt: Date;
  /**
   * Part of the observed vault balance held by open withdrawal reservations (engine-authorised or forced
   * withdrawals not yet observed on chain). Where balances are listed for margin, `amount` is already net
   * of it (never below 0); 0 for wallet (`query`) balances and where the row was written, not listed.
   */
  readonly reserved: bigint;
}

export interface UpsertBalanceResult {
  /**
   * False when the stored balance is from a later (height, ordinal): the update is stale and nothing
   * changed. An update at the same (height, ordinal) is applied again (idempotent re-delivery).
   */
  readonly applied: boolean;
  /** The stored balance after the call. */
  readonly balance: BalanceRecord;
}

export interface RollbackBalancesParameters {
  readonly chain: string;
  /** Observations strictly above this height are dropped. */
  readonly aboveHeight: bigint;
  /** Only these sources (default: all; blocks above the height no longer exist for anyone). */
  readonly sources?: readonly ObservationSource[];
}

export interface RollbackBalancesResult {
  /** Balances whose current value was above the height. */
  readonly rolledBack: number;
  /** Of those, how many were restored from an earlier observation (the rest had none and were removed). */
  readonly restored: number;
}

export interface IngestPollResult {
  readonly applied: number;
  readonly stale: number;
  readonly rolledBack: number;
}

export interface BalancesRepository {
  /** Stores the observation if it is not older than the stored one (see `UpsertBalanceResult`). */
  upsert(update: BalanceUpdate): Promise<UpsertBalanceResult>;
  /** Reorg: drops a chain's observations above a height, restoring each balance's prior observation. */
  rollback(params: RollbackBalancesParameters): Promise<RollbackBalancesResult>;
  /** Current balances of an account, ordered by chain, asset, source, holder. */
  listByAccount(account: AccountId): Promise<BalanceRecord[]>;
  /**
   * Current balances of several accounts in one query (the recompute workers read a batch at once);
   * every requested account is a key of the map, with an empty list where it holds nothing.
   */
  listByAccounts(accounts: readonly AccountId[]): Promise<Map<AccountId, BalanceRecord[]>>;
  /** Accounts holding a balance of any of these assets (for market-move fan-out). */
  accountsHoldingAssets(assets: readonly string[]): Promise<AccountId[]>;
  /**
   * Applies one adapter poll in a single transaction: rollback (if any), observations, then the cursor,
   * so a crash never leaves a cursor ahead of the balances it covers.
   */
  ingestPoll(result: CollateralPollResult): Promise<IngestPollResult>;
}

interface BalanceRow {
  account_id: string;
  chain: string;
  asset: string;
  source: string;
  holder: string;
  token: string;
  amount: unknown;
  decimals: unknown;
  height: unknown;
  ordinal: unknown;
  block_hash: string;
  observed_at: unknown;
  ref: string;
  replay_key: string | null;
  updated_at: unknown;
  superseded_at_height: unknown;
  trust: string;
  reserved?: unknown;
}

const COLUMNS =
  'account_id, chain, asset, source, holder, token, amount, decimals, height, ordinal, block_hash, observed_at, ref, replay_key, updated_at, superseded_at_height, trust';

const toBalance = (r: BalanceRow): BalanceRecord => ({
  account: r.account_id as AccountId,
  chain: r.chain,
  asset: r.asset,
  source: r.source as ObservationSource,
  holder: r.holder,
  token: r.token,
  amount: r.superseded_at_height === null ? toBigInt(r.amount) : 0n,
  provedAmount: toBigInt(r.amount),
  supersededAtHeight: r.superseded_at_height === null ? null : toBigInt(r.superseded_at_height),
  decimals: toNumber(r.decimals),
  height: toBigInt(r.height),
  ordinal: toBigInt(r.ordinal),
  blockHash: r.block_hash,
  observedAt: toNumber(r.observed_at),
  ref: r.ref,
  trust: r.trust as TrustClass,
  replayKey: r.replay_key,
  updatedAt: toDate(r.updated_at),
  reserved: r.reserved === undefined ? 0n : toBigInt(r.reserved),
});

// Balances as margin reads them: open withdrawal reservations count as already withdrawn.
const NET_COLUMNS = COLUMNS.replace('amount,', '').trim();
const NET_SELECT = `SELECT ${NET_COLUMNS}, GREATEST(amount - reserved, 0) AS amount, reserved
  FROM (SELECT b.*, ${reservedAmountSql('b')} AS reserved FROM balances b) net`;

const SOURCES: readonly ObservationSource[] = ['indexer', 'vaa', 'query'];
const TRUST: readonly TrustClass[] = ['escrowed', 'unescrowed'];

/** The class of an observation: its own, else its source's (a wallet proof is unescrowed). */
export const trustOf = (u: Pick<BalanceUpdate, 'source' | 'trust'>): TrustClass =>
  u.trust ?? (u.source === 'query' ? 'unescrowed' : 'escrowed');

function updateParams(u: BalanceUpdate, replayKey: string | null): unknown[] {
  if (!SOURCES.includes(u.source)) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'source', reason: `expected one of ${SOURCES.join(', ')}` },
    });
  }
  if (!TRUST.includes(trustOf(u))) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'trust', reason: `expected one of ${TRUST.join(', ')}` },
    });
  }
  if (!Number.isInteger(u.decimals) || u.decimals < 0 || u.decimals > 255) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'decimals', reason: 'expected 0..255' },
    });
  }
  if (!Number.isSafeInteger(u.observedAt) || u.observedAt < 0) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'observedAt', reason: 'expected unix seconds' },
    });
  }
  return [
    u.account,
    checkNonEmpty('chain', u.chain),
    checkNonEmpty('asset', u.asset),
    u.source,
    checkNonEmpty('holder', u.holder),
    checkNonEmpty('token', u.token),
    checkU256('amount', u.amount),
    u.decimals,
    checkHeight('height', u.height),
    checkHeight('ordinal', u.ordinal ?? 0n),
    u.blockHash ?? '',
    u.observedAt,
    u.ref ?? '',
    replayKey,
    trustOf(u),
  ];
}

/** Shared by the repository and attestation application (which runs it inside its transaction). */
export async function upsertBalance(
  ex: Executor,
  update: BalanceUpdate,
  replayKey: string | null,
): Promise<UpsertBalanceResult> {
  const params = updateParams(update, replayKey);
  // One statement: the row comparison in the conflict clause makes "only if not older" atomic (two
  // writers racing on a key cannot both pass a check made before the write), and the history row is
  // written with it, so a crash can never leave a balance without the observation a rollback restores.
  const { rows } = await ex.query<BalanceRow>(
    `WITH up AS (
       INSERT INTO balances (account_id, chain, asset, source, holder, token, amount, decimals, height, ordinal,
                             block_hash, observed_at, ref, replay_key, trust, superseded_at_height)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
               CASE WHEN $4 = 'query' THEN (SELECT max(v.height) FROM balances v
                 WHERE v.source = 'vaa' AND v.chain = $2 AND v.holder = $5 AND v.token = $6 AND v.height > $9)
               END)
       ON CONFLICT (account_id, chain, asset, source, holder) DO UPDATE SET
         token = EXCLUDED.token, amount = EXCLUDED.amount, decimals = EXCLUDED.decimals,
         height = EXCLUDED.height, ordinal = EXCLUDED.ordinal, block_hash = EXCLUDED.block_hash,
         observed_at = EXCLUDED.observed_at, ref = EXCLUDED.ref, replay_key = EXCLUDED.replay_key,
         trust = EXCLUDED.trust, superseded_at_height = EXCLUDED.superseded_at_height, updated_at = now()
       -- The same (height, ordinal) again applies only as a re-delivery of the same observation: another
       -- attestation claiming that slot (a different VAA with the same height and vault nonce) must not
       -- overwrite the balance.
       WHERE (balances.height, balances.ordinal) < (EXCLUDED.height, EXCLUDED.ordinal)
          OR ((balances.height, balances.ordinal) = (EXCLUDED.height, EXCLUDED.ordinal)
              AND balances.replay_key IS NOT DISTINCT FROM EXCLUDED.replay_key)
       RETURNING ${COLUMNS}
     ), history AS (
       INSERT INTO balance_observations (account_id, chain, asset, source, holder, token, amount, decimals,
                                         height, ordinal, block_hash, observed_at, ref, replay_key, trust)
       SELECT account_id, chain, asset, source, holder, token, amount, decimals, height, ordinal, block_hash,
              observed_at, ref, replay_key, trust FROM up
       ON CONFLICT (account_id, chain, asset, source, holder, height, ordinal) DO UPDATE SET
         token = EXCLUDED.token, amount = EXCLUDED.amount, decimals = EXCLUDED.decimals,
         block_hash = EXCLUDED.block_hash, observed_at = EXCLUDED.observed_at, ref = EXCLUDED.ref,
         replay_key = EXCLUDED.replay_key, trust = EXCLUDED.trust, recorded_at = now()
     )
     SELECT ${COLUMNS} FROM up`,
    params,
  );
  if (rows[0]) {
    // Funds observed in the vault may have come from the wallet: its older proofs of the token stop
    // counting until the wallet is proved again at or after this height.
    if (update.source === 'vaa') {
      await ex.query(
        `UPDATE balances SET superseded_at_height = $4, updated_at = now()
         WHERE source = 'query' AND chain = $1 AND holder = $2 AND token = $3 AND height < $4
           AND (superseded_at_height IS NULL OR superseded_at_height < $4)`,
        [params[1], params[4], params[5], params[8]],
      );
    }
    return { applied: true, balance: toBalance(rows[0]) };
  }
  const current = await ex.query<BalanceRow>(
    `SELECT ${COLUMNS} FROM balances
     WHERE account_id = $1 AND chain = $2 AND asset = $3 AND source = $4 AND holder = $5`,
    params.slice(0, 5),
  );
  const row = current.rows[0];
  if (!row) {
    // Removed between the two statements (a concurrent reorg rollback): let the caller retry.
    throw new AppError('LEDGER__CONFLICT', {
      context: {
        entity: 'balance',
        id: `${update.account}/${update.chain}/${update.asset}/${update.source}`,
      },
      details: 'balance changed concurrently',
    });
  }
  return { applied: false, balance: toBalance(row) };
}

/** Must run inside a transaction (several statements). */
async function rollbackIn(
  ex: Executor,
  { chain, aboveHeight, sources = SOURCES }: RollbackBalancesParameters,
): Promise<RollbackBalancesResult> {
  const height = checkHeight('aboveHeight', aboveHeight);
  const removed = await ex.query<{ account_id: string; asset: string; source: string; holder: string }>(
    `DELETE FROM balances WHERE chain = $1 AND height > $2 AND source IN (SELECT jsonb_array_elements_text($3::jsonb))
     RETURNING account_id, asset, source, holder`,
    [chain, height, JSON.stringify(sources)],
  );
  await ex.query(
    'DELETE FROM balance_observations WHERE chain = $1 AND height > $2 AND source IN (SELECT jsonb_array_elements_text($3::jsonb))',
    [chain, height, JSON.stringify(sources)],
  );
  if (removed.rows.length === 0) return { rolledBack: 0, restored: 0 };
  const restored = await ex.query(
    `INSERT INTO balances (account_id, chain, asset, source, holder, token, amount, decimals, height, ordinal,
                           block_hash, observed_at, ref, replay_key, trust)
     SELECT DISTINCT ON (o.account_id, o.asset, o.source, o.holder)
            o.account_id, o.chain, o.asset, o.source, o.holder, o.token, o.amount, o.decimals, o.height,
            o.ordinal, o.block_hash, o.observed_at, o.ref, o.replay_key, o.trust
     FROM balance_observations o
     JOIN jsonb_to_recordset($2::jsonb) AS k(account_id text, asset text, source text, holder text)
       ON o.account_id = k.account_id AND o.asset = k.asset AND o.source = k.source AND o.holder = k.holder
     WHERE o.chain = $1
     ORDER BY o.account_id, o.asset, o.source, o.holder, o.height DESC, o.ordinal DESC`,
    [chain, JSON.stringify(removed.rows)],
  );
  return { rolledBack: removed.rows.length, restored: restored.rowCount };
}

export function createBalancesRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): BalancesRepository {
  return {
    upsert: (update) => upsertBalance(ex, update, null),
    rollback: (params) => inTransaction((tx) => rollbackIn(tx, params)),
    async listByAccount(account) {
      const { rows } = await ex.query<BalanceRow>(
        `${NET_SELECT} WHERE account_id = $1 ORDER BY chain, asset, source, holder`,
        [account],
      );
      return rows.map(toBalance);
    },
    async listByAccounts(accounts) {
      const out = new Map<AccountId, BalanceRecord[]>(accounts.map((a) => [a, []]));
      if (accounts.length === 0) return out;
      const { rows } = await ex.query<BalanceRow>(
        `${NET_SELECT} WHERE account_id = ${anyOfJsonArray(1)}
         ORDER BY account_id, chain, asset, source, holder`,
        [JSON.stringify([...out.keys()])],
      );
      for (const r of rows) out.get(r.account_id as AccountId)?.push(toBalance(r));
      return out;
    },
    async accountsHoldingAssets(assets) {
      const { rows } = await ex.query<{ account_id: string }>(
        `SELECT DISTINCT account_id FROM balances WHERE asset = ${anyOfJsonArray(1)} AND amount > 0 ORDER BY account_id`,
        [JSON.stringify(assets)],
      );
      return rows.map((r) => r.account_id as AccountId);
    },
    ingestPoll: (result) =>
      inTransaction(async (tx) => {
        let rolledBack = 0;
        if (result.rollbackTo) {
          if (result.rollbackTo.chain !== result.cursor.chain) {
            throw new AppError('LEDGER__INVALID_INPUT', {
              context: { field: 'rollbackTo.chain', reason: 'must be the chain of the cursor' },
            });
          }
          rolledBack = (
            await rollbackIn(tx, { chain: result.rollbackTo.chain, aboveHeight: result.rollbackTo.height })
          ).rolledBack;
        }
        let applied = 0;
        let stale = 0;
        for (const obs of result.observations) {
          const r = await upsertBalance(tx, obs, null);
          if (r.applied) applied++;
          else stale++;
        }
        await setCursor(tx, result.cursor);
        return { applied, stale, rolledBack };
      }),
  };
}
