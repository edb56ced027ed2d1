import type { AccountId } from '@xmargin/core';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toDate } from '../db/values.js';

/**
 * A Solana escrow (see migration 13): the SPL token account, owned by the engine's escrow authority,
 * that holds one account's collateral in one mint. Addresses are base58.
 */
export interface SolanaEscrowRecord {
  readonly account: AccountId;
  readonly chain: string;
  readonly mint: string;
  readonly asset: string;
  readonly tokenAccount: string;
  readonly authority: string;
  readonly createdAt: Date;
}

export type SolanaEscrowInput = Omit<SolanaEscrowRecord, 'createdAt'>;

export interface SolanaEscrowsRepository {
  /** Records an escrow; an existing (account, chain, mint) is returned unchanged. */
  record(escrow: SolanaEscrowInput): Promise<SolanaEscrowRecord>;
  find(account: AccountId, chain: string, mint: string): Promise<SolanaEscrowRecord | null>;
  /** Every escrow on a chain (the indexer reads them all), ordered by account and mint. */
  listByChain(chain: string): Promise<SolanaEscrowRecord[]>;
}

interface Row {
  account_id: string;
  chain: string;
  mint: string;
  asset: string;
  token_account: string;
  authority: string;
  created_at: unknown;
}

const COLUMNS = 'account_id, chain, mint, asset, token_account, authority, created_at';

const toRecord = (r: Row): SolanaEscrowRecord => ({
  account: r.account_id as AccountId,
  chain: r.chain,
  mint: r.mint,
  asset: r.asset,
  tokenAccount: r.token_account,
  authority: r.authority,
  createdAt: toDate(r.created_at),
});

export function createSolanaEscrowsRepository(ex: Executor): SolanaEscrowsRepository {
  const find = async (account: AccountId, chain: string, mint: string) => {
    const { rows } = await ex.query<Row>(
      `SELECT ${COLUMNS} FROM solana_escrows WHERE account_id = $1 AND chain = $2 AND mint = $3`,
      [account, chain, mint],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  };
  return {
    async record(e) {
      await ex.query(
        `INSERT INTO solana_escrows (account_id, chain, mint, asset, token_account, authority)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, chain, mint) DO NOTHING`,
        [
          e.account,
          checkNonEmpty('chain', e.chain),
          checkNonEmpty('mint', e.mint),
          checkNonEmpty('asset', e.asset),
          checkNonEmpty('tokenAccount', e.tokenAccount),
          checkNonEmpty('authority', e.authority),
        ],
      );
      return (await find(e.account, e.chain, e.mint)) as SolanaEscrowRecord;
    },
    find,
    async listByChain(chain) {
      const { rows } = await ex.query<Row>(
        `SELECT ${COLUMNS} FROM solana_escrows WHERE chain = $1 ORDER BY account_id, mint`,
        [chain],
      );
      return rows.map(toRecord);
    },
  };
}
