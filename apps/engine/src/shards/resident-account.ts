import { formatIssuePath } from '@xmargin/errors';
import type { Account, Position, RiskParams } from '@xmargin/risk';
import type { BalanceRecord, PositionRecord } from '@xmargin/store';
import { buildAccount } from '../margin/build-document.js';
import { canonicalJson, sha256Hex } from '../margin/canonical-json.js';
import { type ChainFreshness, freshnessOf } from '../margin/snapshot.js';

/** One account as its shard's owner keeps it next to the book: what the views need besides the summary. */
export interface ResidentAccount {
  readonly id: string;
  readonly shard: number;
  readonly account: Account;
  /** sha256 of the account's canonical ledger inputs (collateral and positions). */
  readonly inputHash: string;
  readonly freshness: readonly ChainFreshness[];
  /** JSON of `freshness`, made once: every view of the account carries it. */
  readonly freshnessJson: string;
  /** Something a liquidation could take: a position or a positive collateral balance. */
  readonly hasAssets: boolean;
}

/** Builds the resident form of an account from its ledger rows (the same document builder as explain). */
export function residentAccount(
  id: string,
  shard: number,
  balances: readonly BalanceRecord[],
  positions: readonly PositionRecord<Position>[],
  /** The cash ledger balance in stable units (liquidation bids and fees). */
  cash = 0,
): ResidentAccount {
  const { account } = buildAccount(
    balances.map((b) => ({
      chain: b.chain,
      asset: b.asset,
      amount: b.amount,
      decimals: b.decimals,
      source: b.source,
      trust: b.trust,
      holder: b.holder,
      height: b.height,
      observedAt: b.observedAt,
    })),
    positions.map((p) => ({ protocol: p.protocol, positionId: p.positionId, position: p.doc })),
    cash,
  );
  const collateral = account.collateral ?? [];
  const freshness = freshnessOf(collateral);
  return {
    id,
    shard,
    account,
    inputHash: accountInputHash(account),
    freshness,
    freshnessJson: JSON.stringify(freshness),
    hasAssets: (account.positions ?? []).length > 0 || collateral.some((c) => c.amount > 0),
  };
}

/** The view's `inputHash`: identifies the ledger state the margin was computed from. */
export function accountInputHash(account: Account): string {
  return sha256Hex(canonicalJson(account));
}

/**
 * The collateral warnings `computeMargin` reports (stale and unsupported balances count at zero), for
 * the cached view: the book computes summaries only.
 */
export function collateralWarnings(
  account: Account,
  asOf: number,
  params: Pick<RiskParams, 'collateralMaxAgeSeconds' | 'assets'>,
): readonly { code: string; path: string; message: string }[] {
  // Runs for every published view (each account of a market move): a plain loop, the path made only
  // for a warning and no list made for none.
  let out: { code: string; path: string; message: string }[] | undefined;
  const maxAge = params.collateralMaxAgeSeconds;
  const collateral = account.collateral ?? [];
  for (let i = 0; i < collateral.length; i++) {
    const c = collateral[i]!;
    if (maxAge !== null && c.observedAt !== undefined && asOf - c.observedAt > maxAge) {
      out ??= [];
      out.push({
        code: 'COLLATERAL_STALE',
        path: formatIssuePath(['account', 'collateral', i]),
        message: `${c.asset} balance observed ${asOf - c.observedAt}s before asOf (limit ${maxAge}s) counts at zero`,
      });
    } else if (!params.assets[c.asset]) {
      out ??= [];
      out.push({
        code: 'COLLATERAL_UNSUPPORTED',
        path: formatIssuePath(['account', 'collateral', i]),
        message: `${c.asset} is not an accepted collateral asset and counts at zero`,
      });
    }
  }
  return out ?? NO_WARNINGS;
}

const NO_WARNINGS: readonly { code: string; path: string; message: string }[] = Object.freeze([]);
