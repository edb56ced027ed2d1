import { accountId } from '@xmargin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData, seedBalance, seedMarketAndAccount, waitFor } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';

// From a price shock to a started auction in one engine process (API + workers + the liquidation
// sweeper) on real Postgres and Redis: no snapshot written by hand, only what the running engine keeps.
// Also on PGlite (the embedded default of `pnpm demo` and the e2e stack), whose single connection once
// made every sweep fail (a SELECT ... FOR UPDATE reported no row) or wait on itself (a read outside the
// evaluation's transaction).
const ID = 'acc_shock';
describe.each(['postgres', 'pglite'] as const)('on %s', (db) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine('price-shock', { role: 'all', db, env: { LIQUIDATION_SWEEP_MS: '200' } });
    await seedMarketAndAccount(t, ID);
    const protocol = await t.key('protocol', 'proto_a');
    await t.engine.context.store.grants.grant({
      account: accountId(ID),
      protocol: 'proto_a',
      grantedBy: 'admin:test',
    });
    await seedBalance(t.engine.context.store, ID, {
      chain: 'evm-devnet',
      asset: 'USDC',
      amount: 5_000_000_000n,
      decimals: 6,
    });
    const r = await t.engine.app!.inject({
      method: 'POST',
      url: `/v1/accounts/${ID}/positions`,
      headers: bearer(protocol),
      payload: {
        positions: [{ id: 'short', type: 'perp', underlying: 'ETH', quantity: -10, entryPrice: 2000 }],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('a price shock puts an account below maintenance and the running sweep starts its auction', async () => {
    const margin = async () =>
      (
        await t.engine.app!.inject({
          method: 'GET',
          url: `/v1/accounts/${ID}/margin`,
          headers: bearer(t.adminKey),
        })
      ).json();
    const before = await waitFor(async () => {
      const m = await margin();
      return m.summary && m.summary.maintenanceExcess > 0 ? m : undefined;
    }, 60_000);
    expect(before.summary.maintenanceExcess).toBeGreaterThan(0);
    const eth = marketData().markets.ETH;
    const shock = await t.engine.app!.inject({
      method: 'PUT',
      url: '/v1/market-data',
      headers: bearer(t.adminKey),
      payload: {
        markets: { ETH: { ...eth, spot: eth.spot * 1.3, perp: { price: eth.spot * 1.3, confidence: 1 } } },
      },
    });
    expect(shock.statusCode, shock.body).toBe(200);
    await waitFor(async () => {
      const m = await margin();
      return m.summary && m.summary.maintenanceExcess < 0 ? m : undefined;
    }, 60_000);
    const auction = await waitFor(async () => {
      const r = await t.engine.app!.inject({
        method: 'GET',
        url: '/v1/liquidations?status=ongoing',
        headers: bearer(t.adminKey),
      });
      return (r.json().auctions as { accountId: string }[]).find((a) => a.accountId === ID);
    }, 60_000);
    expect(auction).toMatchObject({ accountId: ID, status: 'ongoing' });
  }, 180_000);
});
