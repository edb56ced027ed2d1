import { amount, amountToNumber, type TrustClass } from '@xmargin/core';
import type {
  Account,
  CollateralBalance,
  MarginDocument,
  Market,
  ParamsSpec,
  Position,
  PriceQuote,
} from '@xmargin/risk';
import { trustOf } from '@xmargin/store';

/** One ledger balance as the document builder needs it (raw integer amount). */
export interface BalanceInput {
  readonly chain: string;
  readonly asset: string;
  readonly amount: bigint;
  readonly decimals: number;
  readonly source: 'indexer' | 'vaa' | 'query';
  /** The ledger's class; absent: from the source (`query` unescrowed, else escrowed). */
  readonly trust?: TrustClass;
  /** Vault-credited account or wallet / token account, universal form. */
  readonly holder: string;
  readonly height: bigint;
  readonly observedAt: number;
}

export interface PositionInput {
  readonly protocol: string;
  readonly positionId: string;
  readonly position: Position;
}

export interface MarketDataInput {
  readonly stable?: PriceQuote | undefined;
  readonly prices: Readonly<Record<string, PriceQuote>>;
  readonly markets: Readonly<Record<string, Market>>;
}

export interface BuildDocumentParameters {
  readonly asOf: number;
  readonly params: ParamsSpec;
  readonly balances: readonly BalanceInput[];
  readonly positions: readonly PositionInput[];
  readonly market: MarketDataInput;
  /** The account's cash ledger balance in stable units (liquidation bids, fees); default 0. */
  readonly cash?: number;
}

export interface BuiltDocument {
  readonly document: MarginDocument;
  /** `protocol/positionId` of `document.account.positions[i]`, for explain output. */
  readonly positionKeys: readonly string[];
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * Assembles the spec section 6 document for one account. Balances leave the bigint world here, once
 * (amountToNumber: the risk engine computes in floats). Everything is sorted so the same ledger state
 * always yields the same document, hence the same input hash and result.
 */
export function buildMarginDocument(p: BuildDocumentParameters): BuiltDocument {
  const { account, positionKeys } = buildAccount(p.balances, p.positions, p.cash ?? 0);
  const document: MarginDocument = {
    version: 1,
    asOf: p.asOf,
    params: p.params,
    ...(p.market.stable === undefined ? {} : { stable: p.market.stable }),
    prices: p.market.prices,
    markets: p.market.markets,
    account,
  };
  return { document, positionKeys };
}

/** The account member of the document alone: what a resident book holds per account. */
export function buildAccount(
  balancesIn: readonly BalanceInput[],
  positionsIn: readonly PositionInput[],
  /** The account's cash ledger balance in stable units (liquidation bids, fees). */
  cash = 0,
): { account: Account; positionKeys: readonly string[] } {
  const balances = dedupeVaultBalances(balancesIn).sort(
    byKey((b) => `${b.chain}\u0000${b.asset}\u0000${b.source}\u0000${b.holder}`),
  );
  const collateral: CollateralBalance[] = balances
    .filter((b) => b.amount > 0n)
    .map((b) => ({
      asset: b.asset,
      chain: b.chain,
      amount: amountToNumber(amount(b.amount, b.decimals)),
      source: b.source,
      // Escrowed is the document's default: escrowed balances keep the documents they always had.
      ...(trustOf(b) === 'unescrowed' ? { trust: 'unescrowed' as const } : {}),
      observedAt: b.observedAt,
    }));
  const positions = [...positionsIn].sort(byKey((x) => `${x.protocol}\u0000${x.positionId}`));
  return {
    account: { cash, collateral, positions: positions.map((x) => x.position) },
    positionKeys: positions.map((x) => `${x.protocol}/${x.positionId}`),
  };
}

/**
 * The indexer (vault events) and VAAs (vault messages) observe the SAME vault balance; counting both
 * would double the collateral. Per (chain, asset, holder) the later observation wins (a VAA on a tie:
 * it is guardian-attested). Query balances are wallet balances outside the vault and always count.
 */
export function dedupeVaultBalances(balances: readonly BalanceInput[]): BalanceInput[] {
  const out: BalanceInput[] = [];
  const vault = new Map<string, BalanceInput>();
  for (const b of balances) {
    if (b.source === 'query') {
      out.push(b);
      continue;
    }
    const key = `${b.chain}\u0000${b.asset}\u0000${b.holder}`;
    const cur = vault.get(key);
    if (!cur || b.height > cur.height || (b.height === cur.height && b.source === 'vaa')) vault.set(key, b);
  }
  return [...out, ...vault.values()];
}
