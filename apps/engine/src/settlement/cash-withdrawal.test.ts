import { type AccountId, accountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { resolveAuctionParams } from '@xmargin/risk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASH_DECIMALS } from '../liquidation/cash-units.js';
import { liquidationDeps } from '../liquidation/liquidation-context.js';
import { runLiquidationSweep } from '../liquidation/liquidation-sweep.js';
import { placeBid } from '../liquidation/place-bid.js';
import { depositCash, type LiquidationLedger, seedDistressedAccount } from '../liquidation/testing.js';
import { expiries, putMarketData } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';
import { withdrawCash } from './cash-withdrawal.js';

// Spec section 4 on real Postgres and Redis: a socialised loss (an insolvent auction with an empty
// insurance fund) is booked against every cash claim, so while it is outstanding a cash withdrawal pays
// floor(claim · held / claims) and the shortfall absorbs the loss; the ratio is the same for every claimant.
const UNIT = 10n ** BigInt(CASH_DECIMALS);
const pmrmTest = resolveAuctionParams({ preset: 'pmrm-test' });
let t: TestEngine;
let ledger: LiquidationLedger;
const ids: AccountId[] = [];

/** Σ positive cash balances, read account by account (independent of the repository's own sum). */
async function claimsNow(): Promise<bigint> {
  const balances = await t.engine.context.store.liquidations.cashBalances(ids);
  return [...balances.values()].reduce((sum, b) => (b > 0n ? sum + b : sum), 0n);
}

beforeAll(async () => {
  t = await startTestEngine('cashwd', { role: 'api' });
  const store = t.engine.context.store;
  await putMarketData(store);
  const v = await store.liquidationParams.propose({ params: { preset: 'pmrm-test' }, actor: 'test' });
  await store.liquidationParams.activate({ version: v.version, actor: 'test' });
  ledger = {
    schema: t.schema ?? '',
    store,
    clock: { ms: Date.now() },
    deps: () => ({ ...liquidationDeps(t.engine.context), now: () => ledger.clock.ms }),
    restart: async () => undefined,
    close: async () => undefined,
  };
}, 120_000);

afterAll(async () => {
  await t?.close();
});

it('pays cash withdrawals held/claims (rounded down) while a socialised loss is outstanding', async () => {
  const store = t.engine.context.store;
  // Two claimants with plain cash, a bidder, and an account deep under water (MtM < 0: insolvent).
  for (const [id, cash] of [
    ['acc_claim_a', 10_000],
    ['acc_claim_b', 3_000],
    ['acc_cw_bidder', 1_000_000],
  ] as const) {
    await store.accounts.create({ id: accountId(id) });
    await depositCash(store, accountId(id), cash);
    ids.push(accountId(id));
  }
  const under = await seedDistressedAccount(ledger, 'acc_cw_under', 2, expiries()[0]);
  ids.push(under);
  // Nothing socialised yet: a withdrawal pays in full.
  const full = await withdrawCash(t.engine.context, accountId('acc_claim_b'), {
    claim: 1_000n * UNIT,
    actor: 'test',
  });
  expect(full).toMatchObject({
    claim: 1_000n * UNIT,
    paid: 1_000n * UNIT,
    ratio: 1,
    cashBalance: 2_000n * UNIT,
  });

  await runLiquidationSweep(ledger.deps());
  const auction = (await store.liquidations.ongoing(under))!;
  expect(auction.kind).toBe('insolvent');
  expect(await store.liquidations.fundBalance()).toBe(0n);
  // While the insolvent auction's cachedMM exceeds the (empty) fund, no withdrawal is authorised at all.
  const blocked = await withdrawCash(t.engine.context, accountId('acc_claim_a'), {
    claim: UNIT,
    actor: 'test',
  }).catch((err: unknown) => err);
  expect(isAppError(blocked) && blocked.code).toBe('LIQUIDATION__WITHDRAWALS_BLOCKED');
  ledger.clock.ms += 10 * pmrmTest.insolventSeconds * 1000;
  const { action } = await placeBid(ledger.deps(), {
    auctionId: auction.id,
    bidderAccount: accountId('acc_cw_bidder'),
    keyId: 'k_cw',
    percent: 1,
  });
  expect(action).toMatchObject({ accepted: true, terminated: true, insuranceFundPaid: 0 });
  expect(action.socialisedLoss).toBeGreaterThan(0);
  const loss = await store.liquidations.socialisedLossTotal();
  expect(loss).toBeGreaterThan(0n);

  // Through the admin route: the ledger loses the whole claim, the account is paid claim·held/claims.
  const claims = await claimsNow();
  const held = claims - loss;
  const claim = 1_234_567_891n; // 1,234.567891 stable units
  const r = await t.engine.app!.inject({
    method: 'POST',
    url: '/v1/admin/accounts/acc_claim_a/cash-withdrawals',
    headers: bearer(t.adminKey),
    payload: { amount: '1234.567891' },
  });
  expect(r.statusCode, r.body).toBe(200);
  const paid = (claim * held) / claims;
  expect(paid).toBeLessThan(claim);
  const micro = (x: bigint) => `${x / UNIT}.${(x % UNIT).toString().padStart(6, '0')}`.replace(/\.?0+$/, '');
  expect(r.json()).toMatchObject({
    accountId: 'acc_claim_a',
    claim: '1234.567891',
    paid: micro(paid),
    cashBalance: micro(10_000n * UNIT - claim),
  });
  expect(r.json().ratio).toBeCloseTo(Number(held) / Number(claims), 12);
  expect(await store.liquidations.cashBalance(accountId('acc_claim_a'))).toBe(10_000n * UNIT - claim);

  // The shortfall absorbed loss: the next claimant is paid at the same ratio (up to rounding).
  const claims2 = await claimsNow();
  const held2 = claims2 - (loss - (claim - paid));
  const second = await withdrawCash(t.engine.context, accountId('acc_claim_b'), {
    claim: 2_000n * UNIT,
    actor: 'test',
  });
  expect(second.paid).toBe((2_000n * UNIT * held2) / claims2);
  expect(Math.abs(second.ratio - Number(held) / Number(claims))).toBeLessThan(1e-9);

  // More than the balance is refused, naming the most that may leave.
  const refused = await withdrawCash(t.engine.context, accountId('acc_claim_a'), {
    claim: 10_000n * UNIT,
    actor: 'test',
  }).catch((err: unknown) => err);
  expect(isAppError(refused) && refused.code).toBe('LIQUIDATION__CASH_WITHDRAWAL_REFUSED');
  expect(isAppError(refused) && refused.context).toMatchObject({
    reason: 'balance',
    maxAmount: micro(10_000n * UNIT - claim),
  });
}, 180_000);
