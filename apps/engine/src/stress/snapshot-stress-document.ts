import { type AccountId, amount, amountToNumber } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import {
  type Market,
  type ParamsSpec,
  type Position,
  type PriceQuote,
  resolveParams,
  type StressAccount,
  type StressDocument,
} from '@xmargin/risk';
import type { stressRunRequestSchema } from '@xmargin/schemas/risk';
import type { Store } from '@xmargin/store';
import type { z } from 'zod';
import { dedupeVaultBalances } from '../margin/build-document.js';
import { DEFAULT_PARAMS } from '../margin/default-params.js';

export type StressRunRequest = z.output<typeof stressRunRequestSchema>;

/** Collateral the snapshot dropped because it counts at zero (stale, unsupported or unpriced). */
export interface StressSnapshotWarning {
  readonly code: 'COLLATERAL_STALE' | 'COLLATERAL_UNSUPPORTED' | 'COLLATERAL_UNPRICED';
  readonly account: string;
  readonly chain: string;
  readonly asset: string;
  readonly message: string;
}

export interface StressSnapshot {
  readonly document: StressDocument;
  readonly snapshot: {
    readonly asOf: number;
    readonly paramsVersion: number | null;
    readonly accountCount: number;
  };
  readonly warnings: readonly StressSnapshotWarning[];
}

const PAGE = 1000;
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Reads the ledger (balances and positions of every account, or of `request.accounts`), the market data
 * and the parameters (active, a stored version, or the request's draft) in one REPEATABLE READ
 * transaction, and builds the stress document (contagion spec section 1) at `asOfSeconds`. Balances
 * leave the bigint world here; collateral that would count at zero is dropped with a warning. The
 * ledger keeps positions per protocol, not per chain: a position's `chain` is its protocol.
 */
export async function snapshotStressDocument(
  store: Store,
  request: StressRunRequest,
  asOfSeconds: number,
): Promise<StressSnapshot> {
  return store.snapshot(async (tx) => {
    let params: ParamsSpec;
    let paramsVersion: number | null;
    if (request.params === undefined || request.params === 'active') {
      const active = await tx.riskParams.getActive<ParamsSpec>();
      params = active?.params ?? DEFAULT_PARAMS;
      paramsVersion = active?.version ?? null;
    } else if (typeof request.params === 'number') {
      const v = await tx.riskParams.get<ParamsSpec>(request.params);
      if (!v)
        throw new AppError('LEDGER__NOT_FOUND', {
          context: { entity: 'risk_params', id: String(request.params) },
        });
      params = v.params;
      paramsVersion = v.version;
    } else {
      params = request.params as ParamsSpec;
      paramsVersion = null;
    }
    const market = await tx.marketData.snapshot<Market, PriceQuote>();
    let ids: AccountId[];
    if (request.accounts) {
      const existing = await tx.accounts.existing(request.accounts as AccountId[]);
      ids = [...existing].sort(byName);
    } else {
      ids = [];
      for (;;) {
        const page = await tx.accounts.list({
          limit: PAGE,
          ...(ids.length > 0 ? { after: ids.at(-1)! } : {}),
        });
        ids.push(...page.map((a) => a.id));
        if (page.length < PAGE) break;
      }
    }
    const [balances, positions] = await Promise.all([
      tx.balances.listByAccounts(ids),
      tx.positions.listByAccounts<Position>(ids),
    ]);

    const resolved = resolveParams(params);
    const maxAge = resolved.collateralMaxAgeSeconds;
    const warnings: StressSnapshotWarning[] = [];
    const accounts: StressAccount[] = ids.map((id) => {
      const warn = (code: StressSnapshotWarning['code'], chain: string, asset: string, why: string) =>
        warnings.push({
          code,
          account: id,
          chain,
          asset,
          message: `${asset} on ${chain} of ${id} ${why}: dropped`,
        });
      const collateral = dedupeVaultBalances(
        (balances.get(id) ?? []).map((b) => ({
          chain: b.chain,
          asset: b.asset,
          amount: b.amount,
          decimals: b.decimals,
          source: b.source,
          holder: b.holder,
          height: b.height,
          observedAt: b.observedAt,
        })),
      )
        .filter((b) => b.amount > 0n)
        .filter((b) => {
          if (maxAge !== null && asOfSeconds - b.observedAt > maxAge) {
            warn(
              'COLLATERAL_STALE',
              b.chain,
              b.asset,
              `observed ${asOfSeconds - b.observedAt}s ago (limit ${maxAge}s)`,
            );
            return false;
          }
          const a = resolved.assets[b.asset];
          if (!a) {
            warn('COLLATERAL_UNSUPPORTED', b.chain, b.asset, 'is not an accepted collateral asset');
            return false;
          }
          const priced =
            (a.underlying !== undefined && market.markets[a.underlying]) || market.prices[b.asset];
          if (!priced) {
            warn('COLLATERAL_UNPRICED', b.chain, b.asset, 'has no price');
            return false;
          }
          return true;
        })
        .sort((x, y) =>
          byName(
            `${x.chain}\u0000${x.asset}\u0000${x.holder}`,
            `${y.chain}\u0000${y.asset}\u0000${y.holder}`,
          ),
        )
        .map((b) => ({
          asset: b.asset,
          chain: b.chain,
          amount: amountToNumber(amount(b.amount, b.decimals)),
        }));
      const held = [...(positions.get(id) ?? [])]
        .sort((x, y) => byName(`${x.protocol}\u0000${x.positionId}`, `${y.protocol}\u0000${y.positionId}`))
        .map((p) => ({ ...p.doc, chain: p.protocol }));
      return { id, collateral, positions: held };
    });
    const document: StressDocument = {
      version: 1,
      asOf: asOfSeconds,
      params,
      ...(market.stable === null ? {} : { stable: market.stable }),
      prices: market.prices,
      markets: market.markets,
      accounts,
      shocks: request.shocks,
      depth: request.depth,
      policy: request.policy,
      ...(request.modes === undefined ? {} : { modes: request.modes }),
      ...(request.maxRounds === undefined ? {} : { maxRounds: request.maxRounds }),
    };
    return {
      document,
      snapshot: { asOf: asOfSeconds, paramsVersion, accountCount: accounts.length },
      warnings,
    };
  });
}
