import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { Executor } from '../db/types.js';
import { checkNonEmpty, toBigInt, toDate, toJsonParam, toNullableNumber, toNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';

export type AuctionKindValue = 'solvent' | 'insolvent';
export type AuctionStatus = 'ongoing' | 'ended';
export type CashReason = 'deposit' | 'withdrawal' | 'fee' | 'bid' | 'share' | 'insurance';
export type AuctionEventType =
  | 'started'
  | 'fee'
  | 'bid'
  | 'insurance_draw'
  | 'socialised_loss'
  | 'converted'
  | 'terminated';
export type InsuranceFundEntryKind = 'deposit' | 'fee' | 'draw';
export type SettlementStatus = 'pending' | 'submitted' | 'confirmed' | 'unenforceable';

/** One auction row (spec section 8). Money in micro stable units; figures are the risk engine's doubles. */
export interface AuctionRecord {
  readonly id: string;
  readonly account: AccountId;
  readonly paramsVersion: number | null;
  readonly params: JsonValue;
  readonly kind: AuctionKindValue;
  readonly status: AuctionStatus;
  readonly startTime: number;
  readonly phaseStart: number;
  readonly reservedCash: bigint;
  readonly cachedMM: number;
  readonly startMtM: number;
  readonly startMM: number;
  readonly startBM: number;
  readonly fee: bigint;
  readonly sequence: number;
  readonly remainingFraction: number;
  readonly endTime: number | null;
  readonly endReason: string | null;
  readonly createdAt: Date;
}

export interface InsertAuctionParameters {
  readonly id: string;
  readonly account: AccountId;
  readonly paramsVersion: number | null;
  readonly params: unknown;
  readonly kind: AuctionKindValue;
  readonly startTime: number;
  readonly phaseStart: number;
  readonly cachedMM: number;
  readonly startMtM: number;
  readonly startMM: number;
  readonly startBM: number;
  readonly fee: bigint;
}

/** The fields a transition or a bid changes. */
export interface UpdateAuctionParameters {
  readonly id: string;
  readonly kind: AuctionKindValue;
  readonly status: AuctionStatus;
  readonly phaseStart: number;
  readonly reservedCash: bigint;
  readonly cachedMM: number;
  readonly sequence: number;
  readonly remainingFraction: number;
  readonly endTime: number | null;
  readonly endReason: string | null;
}

export interface AuctionEventRecord {
  readonly id: bigint;
  readonly auctionId: string;
  readonly type: AuctionEventType;
  readonly time: number;
  readonly body: JsonValue;
  readonly at: Date;
}

export interface AuctionBidRecord {
  readonly id: string;
  readonly auctionId: string;
  readonly sequence: number;
  readonly bidderAccount: AccountId;
  readonly keyId: string;
  readonly idempotencyKey: string | null;
  readonly time: number;
  readonly request: JsonValue;
  readonly result: JsonValue;
  readonly accepted: boolean;
  readonly reason: string | null;
  readonly createdAt: Date;
}

export type InsertAuctionBidParameters = Omit<AuctionBidRecord, 'createdAt' | 'request' | 'result'> & {
  readonly request: unknown;
  readonly result: unknown;
};

export interface SettlementInstructionRecord {
  readonly id: bigint;
  readonly auctionId: string;
  readonly bidId: string;
  readonly chain: string;
  readonly asset: string;
  readonly source: 'indexer' | 'vaa' | 'query';
  readonly holder: string;
  readonly amountRaw: bigint;
  readonly decimals: number;
  readonly fromAccount: AccountId;
  readonly toAccount: AccountId;
  readonly kind: 'seizure' | 'unenforceable';
  readonly status: SettlementStatus;
  /** The engine-signed EIP-712 Seize of a vault-escrowed instruction (null until signed). */
  readonly authorisation: SeizeAuthorisationRecord | null;
  /** The transaction reported to carry it, or the one whose `Seized` event was observed. */
  readonly txHash: string | null;
  /** Block of the observed `Seized` event (null until confirmed). */
  readonly confirmedHeight: bigint | null;
  readonly createdAt: Date;
}

/** A signed Seize (spec section 8): the vault (domain), its message fields and the signature. */
export interface SeizeAuthorisationRecord {
  readonly vault: string;
  readonly chainId: number;
  readonly token: string;
  /** The vault account seized from (EVM address). */
  readonly fromAddress: string;
  /** The liquidator's EVM address the vault pays. */
  readonly recipient: string;
  readonly nonce: bigint;
  /** Unix seconds. */
  readonly deadline: bigint;
  readonly signature: string;
}

export type InsertSettlementInstructionParameters = Omit<
  SettlementInstructionRecord,
  'id' | 'createdAt' | 'authorisation' | 'txHash' | 'confirmedHeight'
>;

/** Collateral moved by instructions not yet reflected in the observed balances (signed, raw). */
export interface CollateralAdjustment {
  readonly account: AccountId;
  readonly chain: string;
  readonly asset: string;
  readonly kind: 'seizure' | 'unenforceable';
  readonly decimals: number;
  readonly delta: bigint;
}

export interface PositionTransferRecord {
  readonly id: bigint;
  readonly protocol: string;
  readonly auctionId: string;
  readonly bidId: string;
  readonly fromAccount: AccountId;
  readonly fromPositionId: string;
  readonly toAccount: AccountId;
  readonly toPositionId: string;
  readonly fraction: number;
  readonly quantity: number;
  readonly doc: JsonValue;
  readonly at: Date;
}

export type InsertPositionTransferParameters = Omit<PositionTransferRecord, 'id' | 'at' | 'doc'> & {
  readonly doc: unknown;
};

export interface InsuranceFundEntry {
  readonly id: bigint;
  readonly amount: bigint;
  readonly kind: InsuranceFundEntryKind;
  readonly auctionId: string | null;
  readonly bidId: string | null;
  readonly actor: string | null;
  readonly note: string | null;
  readonly at: Date;
}

export interface ListAuctionsParameters {
  readonly status?: AuctionStatus;
  readonly account?: AccountId;
  /** Only auctions with an id after this one (ids sort by creation); before it when `newestFirst`. */
  readonly after?: string;
  /** Newest first (descending id); default oldest first. */
  readonly newestFirst?: boolean;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

export interface LiquidationsRepository {
  /** Row lock on the account: serialises every liquidation step of one account across processes. */
  lockAccount(account: AccountId): Promise<boolean>;
  cashBalance(account: AccountId): Promise<bigint>;
  /** Cash balances of several accounts in one query; every requested account is a key (0 if none). */
  cashBalances(accounts: readonly AccountId[]): Promise<Map<AccountId, bigint>>;
  addCash(p: {
    account: AccountId;
    amount: bigint;
    reason: CashReason;
    auctionId?: string;
    bidId?: string;
  }): Promise<void>;
  ongoing(account: AccountId): Promise<AuctionRecord | null>;
  get(id: string): Promise<AuctionRecord | null>;
  list(p?: ListAuctionsParameters): Promise<AuctionRecord[]>;
  insertAuction(p: InsertAuctionParameters): Promise<AuctionRecord>;
  updateAuction(p: UpdateAuctionParameters): Promise<AuctionRecord>;
  /** Σ cachedMM over ongoing insolvent auctions (spec section 4: withdrawals stop above the fund). */
  insolventCachedMM(): Promise<number>;
  addEvent(p: { auctionId: string; type: AuctionEventType; time: number; body: unknown }): Promise<void>;
  events(auctionId: string): Promise<AuctionEventRecord[]>;
  insertBid(p: InsertAuctionBidParameters): Promise<void>;
  findBid(keyId: string, idempotencyKey: string): Promise<AuctionBidRecord | null>;
  bids(auctionId: string): Promise<AuctionBidRecord[]>;
  insertInstructions(list: readonly InsertSettlementInstructionParameters[]): Promise<void>;
  instructions(auctionId: string): Promise<SettlementInstructionRecord[]>;
  instruction(id: bigint): Promise<SettlementInstructionRecord | null>;
  /** Pending seizures without a signature, or whose signature's deadline is at or before `now`. */
  seizuresToAuthorise(p: {
    now: number;
    auctionId?: string;
    limit?: number;
  }): Promise<SettlementInstructionRecord[]>;
  /** Stores a (new) Seize authorisation on a pending seizure; null when it is no longer pending. */
  authoriseSeizure(id: bigint, auth: SeizeAuthorisationRecord): Promise<SettlementInstructionRecord | null>;
  /** pending (signed) -> submitted with the transaction hash; null when not pending or not signed. */
  markSeizureSubmitted(p: { id: bigint; txHash: string }): Promise<SettlementInstructionRecord | null>;
  /**
   * pending | submitted -> confirmed when the vault's `Seized` event for (chain, vault account, nonce)
   * is observed at `height`; null when no such open instruction exists.
   */
  markSeizureConfirmed(p: {
    chain: string;
    fromAddress: string;
    nonce: bigint;
    txHash: string;
    height: bigint;
  }): Promise<SettlementInstructionRecord | null>;
  /** Collateral in or out of these accounts by instructions still pending, submitted or unenforceable. */
  collateralAdjustments(accounts: readonly AccountId[]): Promise<CollateralAdjustment[]>;
  insertPositionTransfer(p: InsertPositionTransferParameters): Promise<void>;
  positionTransfers(p: {
    protocol: string;
    after?: bigint;
    limit?: number;
  }): Promise<PositionTransferRecord[]>;
  fundBalance(): Promise<bigint>;
  addFundEntry(p: {
    amount: bigint;
    kind: InsuranceFundEntryKind;
    auctionId?: string;
    bidId?: string;
    actor?: string;
    note?: string;
  }): Promise<InsuranceFundEntry>;
  fundHistory(p?: { before?: bigint; limit?: number }): Promise<InsuranceFundEntry[]>;
  addSocialisedLoss(p: { auctionId: string; bidId: string; amount: bigint }): Promise<void>;
  socialisedLossTotal(): Promise<bigint>;
  /** Σ of the positive cash balances: what accounts may claim in stable. */
  cashClaims(): Promise<bigint>;
  /** Σ (claim − paid) over cash withdrawals: the socialised loss already absorbed by pro-rata payouts. */
  cashWithdrawalHaircuts(): Promise<bigint>;
  /** Records a cash withdrawal: `claim` leaves the account's cash ledger, `paid` is what it receives. */
  addCashWithdrawal(p: {
    account: AccountId;
    claim: bigint;
    paid: bigint;
    actor?: string;
    note?: string;
  }): Promise<{ id: bigint }>;
}

interface AuctionRow {
  id: string;
  account_id: string;
  params_version: unknown;
  params: JsonValue;
  kind: string;
  status: string;
  start_time: unknown;
  phase_start: unknown;
  reserved_cash: unknown;
  cached_mm: unknown;
  start_mtm: unknown;
  start_mm: unknown;
  start_bm: unknown;
  fee: unknown;
  sequence: unknown;
  remaining_fraction: unknown;
  end_time: unknown;
  end_reason: string | null;
  created_at: unknown;
}

const AUCTION_COLUMNS =
  'id, account_id, params_version, params, kind, status, start_time, phase_start, reserved_cash, cached_mm, start_mtm, start_mm, start_bm, fee, sequence, remaining_fraction, end_time, end_reason, created_at';

const toAuction = (r: AuctionRow): AuctionRecord => ({
  id: r.id,
  account: r.account_id as AccountId,
  paramsVersion: toNullableNumber(r.params_version),
  params: r.params,
  kind: r.kind as AuctionKindValue,
  status: r.status as AuctionStatus,
  startTime: toNumber(r.start_time),
  phaseStart: toNumber(r.phase_start),
  reservedCash: toBigInt(r.reserved_cash),
  cachedMM: toNumber(r.cached_mm),
  startMtM: toNumber(r.start_mtm),
  startMM: toNumber(r.start_mm),
  startBM: toNumber(r.start_bm),
  fee: toBigInt(r.fee),
  sequence: toNumber(r.sequence),
  remainingFraction: toNumber(r.remaining_fraction),
  endTime: toNullableNumber(r.end_time),
  endReason: r.end_reason,
  createdAt: toDate(r.created_at),
});

interface BidRow {
  id: string;
  auction_id: string;
  sequence: unknown;
  bidder_account_id: string;
  key_id: string;
  idempotency_key: string | null;
  time: unknown;
  request: JsonValue;
  result: JsonValue;
  accepted: boolean;
  reason: string | null;
  created_at: unknown;
}

const BID_COLUMNS =
  'id, auction_id, sequence, bidder_account_id, key_id, idempotency_key, time, request, result, accepted, reason, created_at';

const toBid = (r: BidRow): AuctionBidRecord => ({
  id: r.id,
  auctionId: r.auction_id,
  sequence: toNumber(r.sequence),
  bidderAccount: r.bidder_account_id as AccountId,
  keyId: r.key_id,
  idempotencyKey: r.idempotency_key,
  time: toNumber(r.time),
  request: r.request,
  result: r.result,
  accepted: r.accepted,
  reason: r.reason,
  createdAt: toDate(r.created_at),
});

interface FundRow {
  id: unknown;
  amount: unknown;
  kind: string;
  auction_id: string | null;
  bid_id: string | null;
  actor: string | null;
  note: string | null;
  at: unknown;
}

const toFund = (r: FundRow): InsuranceFundEntry => ({
  id: toBigInt(r.id),
  amount: toBigInt(r.amount),
  kind: r.kind as InsuranceFundEntryKind,
  auctionId: r.auction_id,
  bidId: r.bid_id,
  actor: r.actor,
  note: r.note,
  at: toDate(r.at),
});

interface InstructionRow {
  id: unknown;
  auction_id: string;
  bid_id: string;
  chain: string;
  asset: string;
  source: string;
  holder: string;
  amount_raw: unknown;
  decimals: unknown;
  from_account: string;
  to_account: string;
  kind: string;
  status: string;
  vault: string | null;
  chain_id: unknown;
  token: string | null;
  from_address: string | null;
  recipient: string | null;
  nonce: unknown;
  deadline: unknown;
  signature: string | null;
  tx_hash: string | null;
  confirmed_height: unknown;
  created_at: unknown;
}

const INSTRUCTION_COLUMNS = `id, auction_id, bid_id, chain, asset, source, holder, amount_raw, decimals, from_account,
  to_account, kind, status, vault, chain_id, token, from_address, recipient, nonce, deadline, signature, tx_hash,
  confirmed_height, created_at`;

const toInstruction = (r: InstructionRow): SettlementInstructionRecord => ({
  id: toBigInt(r.id),
  auctionId: r.auction_id,
  bidId: r.bid_id,
  chain: r.chain,
  asset: r.asset,
  source: r.source as SettlementInstructionRecord['source'],
  holder: r.holder,
  amountRaw: toBigInt(r.amount_raw),
  decimals: toNumber(r.decimals),
  fromAccount: r.from_account as AccountId,
  toAccount: r.to_account as AccountId,
  kind: r.kind as SettlementInstructionRecord['kind'],
  status: r.status as SettlementStatus,
  authorisation:
    r.signature === null
      ? null
      : {
          vault: r.vault!,
          chainId: toNumber(r.chain_id),
          token: r.token!,
          fromAddress: r.from_address!,
          recipient: r.recipient!,
          nonce: toBigInt(r.nonce),
          deadline: toBigInt(r.deadline),
          signature: r.signature,
        },
  txHash: r.tx_hash,
  confirmedHeight: r.confirmed_height === null ? null : toBigInt(r.confirmed_height),
  createdAt: toDate(r.created_at),
});

const limitOf = (limit: number | undefined, max = 1000) => Math.min(Math.max(1, limit ?? 100), max);

function checkFraction(field: string, v: number): number {
  if (!Number.isFinite(v)) {
    throw new AppError('LEDGER__INVALID_INPUT', { context: { field, reason: 'expected a finite number' } });
  }
  return v;
}

export function createLiquidationsRepository(ex: Executor): LiquidationsRepository {
  return {
    async lockAccount(account) {
      const { rowCount } = await ex.query('SELECT id FROM accounts WHERE id = $1 FOR UPDATE', [account]);
      return rowCount > 0;
    },
    async cashBalance(account) {
      const { rows } = await ex.query<{ total: unknown }>(
        'SELECT COALESCE(SUM(amount), 0) AS total FROM cash_ledger WHERE account_id = $1',
        [account],
      );
      return toBigInt(rows[0]!.total);
    },
    async cashBalances(accounts) {
      const out = new Map<AccountId, bigint>(accounts.map((a) => [a, 0n]));
      if (accounts.length === 0) return out;
      const { rows } = await ex.query<{ account_id: string; total: unknown }>(
        `SELECT account_id, SUM(amount) AS total FROM cash_ledger WHERE account_id = ANY($1::text[])
         GROUP BY account_id`,
        [accounts],
      );
      for (const r of rows) out.set(r.account_id as AccountId, toBigInt(r.total));
      return out;
    },
    async addCash({ account, amount, reason, auctionId, bidId }) {
      if (amount === 0n) return;
      await ex.query(
        'INSERT INTO cash_ledger (account_id, amount, reason, auction_id, bid_id) VALUES ($1, $2, $3, $4, $5)',
        [account, amount, reason, auctionId ?? null, bidId ?? null],
      );
    },
    async ongoing(account) {
      const { rows } = await ex.query<AuctionRow>(
        `SELECT ${AUCTION_COLUMNS} FROM auctions WHERE account_id = $1 AND status = 'ongoing'`,
        [account],
      );
      return rows[0] ? toAuction(rows[0]) : null;
    },
    async get(id) {
      const { rows } = await ex.query<AuctionRow>(`SELECT ${AUCTION_COLUMNS} FROM auctions WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? toAuction(rows[0]) : null;
    },
    async list({ status, account, after, newestFirst = false, limit } = {}) {
      const { rows } = await ex.query<AuctionRow>(
        `SELECT ${AUCTION_COLUMNS} FROM auctions
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR account_id = $2)
           AND ($3::text IS NULL OR ${newestFirst ? 'id < $3' : 'id > $3'})
         ORDER BY id ${newestFirst ? 'DESC' : 'ASC'} LIMIT $4`,
        [status ?? null, account ?? null, after ?? null, limitOf(limit)],
      );
      return rows.map(toAuction);
    },
    async insertAuction(p) {
      const { rows } = await ex.query<AuctionRow>(
        `INSERT INTO auctions (id, account_id, params_version, params, kind, status, start_time, phase_start,
           cached_mm, start_mtm, start_mm, start_bm, fee)
         VALUES ($1, $2, $3, $4::jsonb, $5, 'ongoing', $6, $7, $8, $9, $10, $11, $12)
         RETURNING ${AUCTION_COLUMNS}`,
        [
          checkNonEmpty('id', p.id),
          p.account,
          p.paramsVersion,
          toJsonParam('params', p.params),
          p.kind,
          p.startTime,
          p.phaseStart,
          checkFraction('cachedMM', p.cachedMM),
          checkFraction('startMtM', p.startMtM),
          checkFraction('startMM', p.startMM),
          checkFraction('startBM', p.startBM),
          p.fee,
        ],
      );
      return toAuction(rows[0]!);
    },
    async updateAuction(p) {
      const { rows } = await ex.query<AuctionRow>(
        `UPDATE auctions SET kind = $2, status = $3, phase_start = $4, reserved_cash = $5, cached_mm = $6,
           sequence = $7, remaining_fraction = $8, end_time = $9, end_reason = $10
         WHERE id = $1 RETURNING ${AUCTION_COLUMNS}`,
        [
          p.id,
          p.kind,
          p.status,
          p.phaseStart,
          p.reservedCash,
          checkFraction('cachedMM', p.cachedMM),
          p.sequence,
          checkFraction('remainingFraction', p.remainingFraction),
          p.endTime,
          p.endReason,
        ],
      );
      if (!rows[0]) throw new AppError('LEDGER__NOT_FOUND', { context: { entity: 'auction', id: p.id } });
      return toAuction(rows[0]);
    },
    async insolventCachedMM() {
      const { rows } = await ex.query<{ total: unknown }>(
        `SELECT COALESCE(SUM(cached_mm), 0) AS total FROM auctions WHERE status = 'ongoing' AND kind = 'insolvent'`,
      );
      return toNumber(rows[0]!.total);
    },
    async addEvent({ auctionId, type, time, body }) {
      await ex.query(
        'INSERT INTO auction_events (auction_id, type, time, body) VALUES ($1, $2, $3, $4::jsonb)',
        [auctionId, type, time, toJsonParam('body', body)],
      );
    },
    async events(auctionId) {
      const { rows } = await ex.query<{
        id: unknown;
        auction_id: string;
        type: string;
        time: unknown;
        body: JsonValue;
        at: unknown;
      }>(
        'SELECT id, auction_id, type, time, body, at FROM auction_events WHERE auction_id = $1 ORDER BY id',
        [auctionId],
      );
      return rows.map((r) => ({
        id: toBigInt(r.id),
        auctionId: r.auction_id,
        type: r.type as AuctionEventType,
        time: toNumber(r.time),
        body: r.body,
        at: toDate(r.at),
      }));
    },
    async insertBid(p) {
      await ex.query(
        `INSERT INTO auction_bids (${BID_COLUMNS.replace(', created_at', '')})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)`,
        [
          p.id,
          p.auctionId,
          p.sequence,
          p.bidderAccount,
          p.keyId,
          p.idempotencyKey,
          p.time,
          toJsonParam('request', p.request),
          toJsonParam('result', p.result),
          p.accepted,
          p.reason,
        ],
      );
    },
    async findBid(keyId, idempotencyKey) {
      const { rows } = await ex.query<BidRow>(
        `SELECT ${BID_COLUMNS} FROM auction_bids WHERE key_id = $1 AND idempotency_key = $2`,
        [keyId, idempotencyKey],
      );
      return rows[0] ? toBid(rows[0]) : null;
    },
    async bids(auctionId) {
      const { rows } = await ex.query<BidRow>(
        `SELECT ${BID_COLUMNS} FROM auction_bids WHERE auction_id = $1 ORDER BY sequence, created_at`,
        [auctionId],
      );
      return rows.map(toBid);
    },
    async insertInstructions(list) {
      for (const i of list) {
        await ex.query(
          `INSERT INTO settlement_instructions (auction_id, bid_id, chain, asset, source, holder, amount_raw,
             decimals, from_account, to_account, kind, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [
            i.auctionId,
            i.bidId,
            i.chain,
            i.asset,
            i.source,
            i.holder,
            i.amountRaw,
            i.decimals,
            i.fromAccount,
            i.toAccount,
            i.kind,
            i.status,
          ],
        );
      }
    },
    async instructions(auctionId) {
      const { rows } = await ex.query<InstructionRow>(
        `SELECT ${INSTRUCTION_COLUMNS} FROM settlement_instructions WHERE auction_id = $1 ORDER BY id`,
        [auctionId],
      );
      return rows.map(toInstruction);
    },
    async instruction(id) {
      const { rows } = await ex.query<InstructionRow>(
        `SELECT ${INSTRUCTION_COLUMNS} FROM settlement_instructions WHERE id = $1`,
        [id],
      );
      return rows[0] ? toInstruction(rows[0]) : null;
    },
    async seizuresToAuthorise({ now, auctionId, limit }) {
      const { rows } = await ex.query<InstructionRow>(
        `SELECT ${INSTRUCTION_COLUMNS} FROM settlement_instructions
         WHERE kind = 'seizure' AND status = 'pending' AND (signature IS NULL OR deadline <= $1)
           AND ($2::text IS NULL OR auction_id = $2)
         ORDER BY id LIMIT $3`,
        [now, auctionId ?? null, limitOf(limit)],
      );
      return rows.map(toInstruction);
    },
    async authoriseSeizure(id, a) {
      const { rows } = await ex.query<InstructionRow>(
        `UPDATE settlement_instructions SET vault = $2, chain_id = $3, token = $4, from_address = $5,
           recipient = $6, nonce = $7, deadline = $8, signature = $9, updated_at = now()
         WHERE id = $1 AND kind = 'seizure' AND status = 'pending' RETURNING ${INSTRUCTION_COLUMNS}`,
        [id, a.vault, a.chainId, a.token, a.fromAddress, a.recipient, a.nonce, a.deadline, a.signature],
      );
      return rows[0] ? toInstruction(rows[0]) : null;
    },
    async markSeizureSubmitted({ id, txHash }) {
      const { rows } = await ex.query<InstructionRow>(
        `UPDATE settlement_instructions SET status = 'submitted', tx_hash = $2, updated_at = now()
         WHERE id = $1 AND status = 'pending' AND signature IS NOT NULL RETURNING ${INSTRUCTION_COLUMNS}`,
        [id, checkNonEmpty('txHash', txHash)],
      );
      return rows[0] ? toInstruction(rows[0]) : null;
    },
    async markSeizureConfirmed({ chain, fromAddress, nonce, txHash, height }) {
      const { rows } = await ex.query<InstructionRow>(
        `UPDATE settlement_instructions SET status = 'confirmed', tx_hash = $4, confirmed_height = $5,
           updated_at = now()
         WHERE chain = $1 AND from_address = $2 AND nonce = $3 AND status IN ('pending', 'submitted')
         RETURNING ${INSTRUCTION_COLUMNS}`,
        [chain, fromAddress, nonce, txHash, height],
      );
      return rows[0] ? toInstruction(rows[0]) : null;
    },
    async collateralAdjustments(accounts) {
      if (accounts.length === 0) return [];
      const { rows } = await ex.query<{
        account: string;
        chain: string;
        asset: string;
        kind: string;
        decimals: unknown;
        delta: unknown;
      }>(
        `SELECT account, chain, asset, kind, decimals, SUM(delta) AS delta FROM (
           SELECT from_account AS account, chain, asset, kind, decimals, -amount_raw AS delta
             FROM settlement_instructions WHERE status <> 'confirmed' AND from_account = ANY($1::text[])
           UNION ALL
           SELECT to_account AS account, chain, asset, kind, decimals, amount_raw AS delta
             FROM settlement_instructions WHERE status <> 'confirmed' AND to_account = ANY($1::text[])
         ) moves GROUP BY account, chain, asset, kind, decimals ORDER BY account, chain, asset, kind`,
        [accounts],
      );
      return rows.map((r) => ({
        account: r.account as AccountId,
        chain: r.chain,
        asset: r.asset,
        kind: r.kind as CollateralAdjustment['kind'],
        decimals: toNumber(r.decimals),
        delta: toBigInt(r.delta),
      }));
    },
    async insertPositionTransfer(p) {
      await ex.query(
        `INSERT INTO position_transfers (protocol, auction_id, bid_id, from_account, from_position_id, to_account,
           to_position_id, fraction, quantity, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
        [
          p.protocol,
          p.auctionId,
          p.bidId,
          p.fromAccount,
          p.fromPositionId,
          p.toAccount,
          p.toPositionId,
          checkFraction('fraction', p.fraction),
          checkFraction('quantity', p.quantity),
          toJsonParam('doc', p.doc),
        ],
      );
    },
    async positionTransfers({ protocol, after, limit }) {
      const { rows } = await ex.query<{
        id: unknown;
        protocol: string;
        auction_id: string;
        bid_id: string;
        from_account: string;
        from_position_id: string;
        to_account: string;
        to_position_id: string;
        fraction: unknown;
        quantity: unknown;
        doc: JsonValue;
        at: unknown;
      }>(
        `SELECT id, protocol, auction_id, bid_id, from_account, from_position_id, to_account, to_position_id,
           fraction, quantity, doc, at
         FROM position_transfers WHERE protocol = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [protocol, after ?? 0n, limitOf(limit)],
      );
      return rows.map((r) => ({
        id: toBigInt(r.id),
        protocol: r.protocol,
        auctionId: r.auction_id,
        bidId: r.bid_id,
        fromAccount: r.from_account as AccountId,
        fromPositionId: r.from_position_id,
        toAccount: r.to_account as AccountId,
        toPositionId: r.to_position_id,
        fraction: toNumber(r.fraction),
        quantity: toNumber(r.quantity),
        doc: r.doc,
        at: toDate(r.at),
      }));
    },
    async fundBalance() {
      const { rows } = await ex.query<{ total: unknown }>(
        'SELECT COALESCE(SUM(amount), 0) AS total FROM insurance_fund_ledger',
      );
      return toBigInt(rows[0]!.total);
    },
    async addFundEntry({ amount, kind, auctionId, bidId, actor, note }) {
      const { rows } = await ex.query<FundRow>(
        `INSERT INTO insurance_fund_ledger (amount, kind, auction_id, bid_id, actor, note)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, amount, kind, auction_id, bid_id, actor, note, at`,
        [amount, kind, auctionId ?? null, bidId ?? null, actor ?? null, note ?? null],
      );
      return toFund(rows[0]!);
    },
    async fundHistory({ before, limit } = {}) {
      const { rows } = await ex.query<FundRow>(
        `SELECT id, amount, kind, auction_id, bid_id, actor, note, at FROM insurance_fund_ledger
         WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
        [before ?? null, limitOf(limit)],
      );
      return rows.map(toFund);
    },
    async addSocialisedLoss({ auctionId, bidId, amount }) {
      await ex.query('INSERT INTO socialised_losses (auction_id, bid_id, amount) VALUES ($1, $2, $3)', [
        auctionId,
        bidId,
        amount,
      ]);
    },
    async cashClaims() {
      const { rows } = await ex.query<{ total: unknown }>(
        `SELECT COALESCE(SUM(balance), 0) AS total FROM (
           SELECT SUM(amount) AS balance FROM cash_ledger GROUP BY account_id
         ) b WHERE balance > 0`,
      );
      return toBigInt(rows[0]!.total);
    },
    async cashWithdrawalHaircuts() {
      const { rows } = await ex.query<{ total: unknown }>(
        'SELECT COALESCE(SUM(claim - paid), 0) AS total FROM cash_withdrawals',
      );
      return toBigInt(rows[0]!.total);
    },
    async addCashWithdrawal({ account, claim, paid, actor, note }) {
      const { rows } = await ex.query<{ id: unknown }>(
        `INSERT INTO cash_withdrawals (account_id, claim, paid, actor, note) VALUES ($1, $2, $3, $4, $5)
         RETURNING id`,
        [account, claim, paid, actor ?? null, note ?? null],
      );
      await ex.query(`INSERT INTO cash_ledger (account_id, amount, reason) VALUES ($1, $2, 'withdrawal')`, [
        account,
        -claim,
      ]);
      return { id: toBigInt(rows[0]!.id) };
    },
    async socialisedLossTotal() {
      const { rows } = await ex.query<{ total: unknown }>(
        'SELECT COALESCE(SUM(amount), 0) AS total FROM socialised_losses',
      );
      return toBigInt(rows[0]!.total);
    },
  };
}
