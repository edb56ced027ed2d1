import { type AccountId, accountId, universalAddress } from '@xmargin/core';
import { computeMargin, type Position } from '@xmargin/risk';
import type { BalanceRecord, PositionRecord, Store } from '@xmargin/store';
import type { Engine } from '../create-engine.js';
import { buildMarginDocument } from '../margin/build-document.js';
import { summariesAgree } from '../margin/consistency-check.js';
import { loadMarginInputs } from '../margin/load-margin-inputs.js';
import type { MarginView } from '../margin/margin-cache.js';
import { type MarginSummary, summarize } from '../margin/snapshot.js';
import { accountInputHash, type ResidentAccount, residentAccount } from '../shards/resident-account.js';
import { bearer, type TestEngine } from './harness.js';

const DAY = 86_400;
/** Expiries on a day boundary 30 and 90 days ahead, so fixtures stay valid whenever tests run. */
export function expiries(nowSeconds = Math.floor(Date.now() / 1000)): [number, number] {
  const base = nowSeconds - (nowSeconds % DAY);
  return [base + 30 * DAY, base + 90 * DAY];
}

export function marketData(nowSeconds?: number) {
  const [e1, e2] = expiries(nowSeconds);
  const expiry = (expiry: number, forward: number) => ({
    expiry,
    forward,
    rate: 0.02,
    defaultVol: 0.5,
    vols: [
      { strike: 1600, vol: 0.55 },
      { strike: 2000, vol: 0.5 },
      { strike: 2400, vol: 0.52 },
    ],
  });
  return {
    stable: { price: 1, confidence: 1 },
    prices: { USDC: { price: 1, confidence: 1 } },
    markets: {
      ETH: {
        spot: 2000,
        spotConfidence: 1,
        perp: { price: 2001, confidence: 1 },
        expiries: [expiry(e1, 2003), expiry(e2, 2010)],
      },
      SOL: {
        spot: 150,
        spotConfidence: 1,
        perp: { price: 150.1, confidence: 1 },
        expiries: [{ ...expiry(e1, 150.2), vols: [] }],
      },
    },
  };
}

/** `n` positions over ETH and SOL mixing options, perps and futures (ids p0..p{n-1}). */
export function positions(n: number, nowSeconds?: number) {
  const [e1, e2] = expiries(nowSeconds);
  const out = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0)
      out.push({
        id: `p${i}`,
        type: 'perp' as const,
        underlying: i % 8 === 0 ? 'ETH' : 'SOL',
        quantity: (i % 3) - 1 || 0.5,
        entryPrice: i % 8 === 0 ? 1990 : 149,
      });
    else if (kind === 1)
      out.push({
        id: `p${i}`,
        type: 'option' as const,
        underlying: 'ETH',
        expiry: i % 2 ? e1 : e2,
        strike: 1600 + (i % 9) * 100,
        right: 'call' as const,
        quantity: -0.1 * ((i % 5) + 1),
      });
    else if (kind === 2)
      out.push({
        id: `p${i}`,
        type: 'option' as const,
        underlying: 'ETH',
        expiry: e1,
        strike: 1500 + (i % 7) * 100,
        right: 'put' as const,
        quantity: 0.2,
      });
    else
      out.push({
        id: `p${i}`,
        type: 'future' as const,
        underlying: 'ETH',
        expiry: e2,
        quantity: -0.3,
        entryPrice: 2005,
      });
  }
  return out;
}

let nonce = 0n;
/** Writes an indexer balance straight into the ledger (what the index-chain job would write). */
/** The fixture market data written straight to the ledger (no API, no shard event), in one transaction. */
/**
 * An account's resident form built in memory, without the store: one USDC balance of 100,000 observed
 * at `observedAt` (holder derived from `i`) and `positionCount` positions of `positions()`.
 */
export function memoryResident(
  id: string,
  i: number,
  positionCount: number,
  observedAt: number,
): ResidentAccount {
  const account = accountId(id);
  const balance = {
    account,
    chain: 'evm-devnet',
    asset: 'USDC',
    source: 'indexer',
    holder: universalAddress(`0x${(i + 1).toString(16).padStart(40, '0')}`),
    token: universalAddress(`0x${'c0'.repeat(20)}`),
    amount: 100_000_000_000n,
    decimals: 6,
    height: 1n,
    observedAt,
  } as unknown as BalanceRecord;
  const ps = positions(positionCount).map(
    ({ id: positionId, ...doc }) =>
      ({
        protocol: 'proto_a',
        account,
        positionId,
        underlying: doc.underlying,
        doc,
      }) as unknown as PositionRecord<Position>,
  );
  return residentAccount(account, 0, [balance], ps);
}

export async function putMarketData(store: Store): Promise<void> {
  const md = marketData();
  await store.transaction(async (tx) => {
    await tx.marketData.put({ kind: 'stable', key: 'stable', doc: md.stable });
    for (const [key, doc] of Object.entries(md.prices)) await tx.marketData.put({ kind: 'price', key, doc });
    for (const [key, doc] of Object.entries(md.markets))
      await tx.marketData.put({ kind: 'market', key, doc });
  });
}

export async function seedBalance(
  store: Store,
  account: string,
  b: { chain: string; asset: string; amount: bigint; decimals: number; observedAt?: number },
) {
  nonce++;
  await store.balances.upsert({
    account: accountId(account),
    chain: b.chain,
    asset: b.asset,
    source: 'indexer',
    holder: universalAddress(`0x${'11'.repeat(20)}`),
    token: universalAddress(`0x${'22'.repeat(20)}`),
    amount: b.amount,
    decimals: b.decimals,
    height: 1_000n + nonce,
    observedAt: b.observedAt ?? Math.floor(Date.now() / 1000),
  });
}

/** The margin a from-scratch recompute gives for the ledger's current state at the snapshot's asOf. */
export async function fromScratch(store: Store, id: string, asOf: number) {
  const inputs = await loadMarginInputs(store, id as AccountId);
  const { document } = buildMarginDocument({ ...inputs, asOf });
  const result = computeMargin(document);
  return { inputHash: accountInputHash(document.account), result, summary: summarize(result) };
}

/** The cached summary equals the from-scratch one (1e-9 relative, see summariesAgree). */
export function agrees(cached: MarginSummary | null | undefined, scratch: MarginSummary): boolean {
  return cached !== null && cached !== undefined && summariesAgree(cached, scratch);
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the cached snapshot reflects a change accepted at or after `sinceMs`. */
export async function waitForSnapshot(engine: Engine, id: string, sinceMs: number): Promise<MarginView> {
  return waitFor(async () => {
    const s = await engine.context.marginCache.getView(id);
    return s && s.requestedAt >= sinceMs ? s : undefined;
  });
}

/**
 * Through the API, as a deployment would: the fixture market data (admin) and an empty account created
 * by a `proto_a` protocol key.
 */
export async function seedMarketAndAccount(t: TestEngine, id: string): Promise<void> {
  const protocol = await t.key('protocol', 'proto_a');
  const app = t.engine.app;
  if (!app) throw new Error('seedMarketAndAccount needs an engine with the api role');
  const md = await app.inject({
    method: 'PUT',
    url: '/v1/market-data',
    headers: bearer(t.adminKey),
    payload: marketData(),
  });
  const acc = await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: bearer(protocol),
    payload: { accountId: id },
  });
  if (md.statusCode !== 200 || acc.statusCode !== 201)
    throw new Error(`seeding failed: market data ${md.statusCode}, account ${acc.statusCode} ${acc.body}`);
}
