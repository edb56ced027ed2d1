import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { Executor } from '../db/types.js';
import { toDate, toJsonParam, toNullableBigInt, toNullableNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';
import { type BalanceUpdate, type UpsertBalanceResult, upsertBalance } from './balances.js';

/** What was attested: a VAA from a vault, a Wormhole Queries response, or a Pyth price update. */
export type AttestationKind = 'vaa' | 'query' | 'pyth';

export interface ApplyAttestationParameters {
  /** keccak256(body) for a VAA (never the hash of the full bytes: signatures are malleable). 0x hex. */
  readonly replayKey: string;
  readonly kind: AttestationKind;
  readonly emitterChain?: number;
  readonly emitterAddress?: string;
  readonly sequence?: bigint;
  /** keccak256(keccak256(body)), the signed digest, for audit. */
  readonly digest?: string;
  /** The account the attestation concerns, when there is one. */
  readonly account?: AccountId;
  /** Unix seconds (the VAA timestamp, the query block time, the Pyth publish time). */
  readonly observedAt?: number;
  /** A JSON summary kept for audit (decoded message, not the raw bytes). */
  readonly body?: unknown;
  /** Balance changes the attestation proves, applied in the same transaction as the replay key. */
  readonly balances?: readonly BalanceUpdate[];
  /**
   * A balance update older than the stored one: 'reject' (default) throws LEDGER__STALE_OBSERVATION and
   * applies nothing (the replay key is not consumed); 'skip' records the key and leaves that balance.
   */
  readonly onStale?: 'reject' | 'skip';
}

export interface AttestationRecord {
  readonly replayKey: string;
  readonly kind: AttestationKind;
  readonly emitterChain: number | null;
  readonly emitterAddress: string | null;
  readonly sequence: bigint | null;
  readonly digest: string | null;
  readonly account: AccountId | null;
  readonly observedAt: number | null;
  readonly body: JsonValue;
  readonly appliedAt: Date;
}

export interface ApplyAttestationReturnType {
  readonly attestation: AttestationRecord;
  /** One per `balances` entry, in order. */
  readonly balances: readonly UpsertBalanceResult[];
}

export interface ListAttestationsParameters {
  readonly account?: AccountId;
  readonly kind?: AttestationKind;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

export interface AttestationsRepository {
  /**
   * Consumes the replay key and applies the balance updates in ONE transaction. A key seen before throws
   * LEDGER__REPLAYED_ATTESTATION and applies nothing; so does the loser of two concurrent applications of
   * the same key (it waits on the unique index, then finds the key taken). Run inside
   * `store.transaction` to add more writes (e.g. market data from a Pyth update) to the same transaction.
   */
  apply(params: ApplyAttestationParameters): Promise<ApplyAttestationReturnType>;
  get(replayKey: string): Promise<AttestationRecord | null>;
  has(replayKey: string): Promise<boolean>;
  /** Latest first. */
  list(params?: ListAttestationsParameters): Promise<AttestationRecord[]>;
}

interface AttestationRow {
  replay_key: string;
  kind: string;
  emitter_chain: unknown;
  emitter_address: string | null;
  sequence: unknown;
  digest: string | null;
  account_id: string | null;
  observed_at: unknown;
  body: JsonValue;
  applied_at: unknown;
}

const COLUMNS =
  'replay_key, kind, emitter_chain, emitter_address, sequence, digest, account_id, observed_at, body, applied_at';

const toAttestation = (r: AttestationRow): AttestationRecord => ({
  replayKey: r.replay_key,
  kind: r.kind as AttestationKind,
  emitterChain: toNullableNumber(r.emitter_chain),
  emitterAddress: r.emitter_address,
  sequence: toNullableBigInt(r.sequence),
  digest: r.digest,
  account: r.account_id as AccountId | null,
  observedAt: toNullableNumber(r.observed_at),
  body: r.body,
  appliedAt: toDate(r.applied_at),
});

const REPLAY_KEY_RE = /^0x[0-9a-f]{2,128}$/i;

async function applyIn(ex: Executor, p: ApplyAttestationParameters): Promise<ApplyAttestationReturnType> {
  if (typeof p.replayKey !== 'string' || !REPLAY_KEY_RE.test(p.replayKey)) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'replayKey', reason: 'expected 0x hex' },
    });
  }
  const replayKey = p.replayKey.toLowerCase();
  // ON CONFLICT DO NOTHING rather than catching a unique violation: on Postgres an error would abort the
  // caller's enclosing transaction, and a concurrent insert of the same key blocks here until the other
  // transaction ends, then yields no row (committed) or inserts (rolled back).
  const inserted = await ex.query<AttestationRow>(
    `INSERT INTO attestations (replay_key, kind, emitter_chain, emitter_address, sequence, digest, account_id,
                               observed_at, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
     ON CONFLICT (replay_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      replayKey,
      p.kind,
      p.emitterChain ?? null,
      p.emitterAddress ?? null,
      p.sequence ?? null,
      p.digest ?? null,
      p.account ?? null,
      p.observedAt ?? null,
      toJsonParam('body', p.body ?? {}),
    ],
  );
  const row = inserted.rows[0];
  if (!row) throw new AppError('LEDGER__REPLAYED_ATTESTATION', { context: { replayKey } });

  const balances: UpsertBalanceResult[] = [];
  for (const update of p.balances ?? []) {
    const result = await upsertBalance(ex, update, replayKey);
    if (!result.applied && (p.onStale ?? 'reject') === 'reject') {
      // Throwing rolls the transaction back, replay key included: nothing of this attestation remains.
      throw new AppError('LEDGER__STALE_OBSERVATION', {
        context: { lastHeight: result.balance.height.toString(), height: update.height.toString() },
        details: `${update.chain} ${update.asset} ${update.holder}: stored (${result.balance.height}, ${result.balance.ordinal}) is newer`,
      });
    }
    balances.push(result);
  }
  return { attestation: toAttestation(row), balances };
}

export function createAttestationsRepository(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): AttestationsRepository {
  return {
    apply: (params) => inTransaction((tx) => applyIn(tx, params)),
    async get(replayKey) {
      const { rows } = await ex.query<AttestationRow>(
        `SELECT ${COLUMNS} FROM attestations WHERE replay_key = $1`,
        [replayKey.toLowerCase()],
      );
      return rows[0] ? toAttestation(rows[0]) : null;
    },
    async has(replayKey) {
      const { rows } = await ex.query('SELECT 1 FROM attestations WHERE replay_key = $1', [
        replayKey.toLowerCase(),
      ]);
      return rows.length > 0;
    },
    async list({ account, kind, limit = 100 } = {}) {
      const { rows } = await ex.query<AttestationRow>(
        `SELECT ${COLUMNS} FROM attestations
         WHERE ($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR kind = $2)
         ORDER BY applied_at DESC, replay_key LIMIT $3`,
        [account ?? null, kind ?? null, Math.min(Math.max(1, limit), 1000)],
      );
      return rows.map(toAttestation);
    },
  };
}
