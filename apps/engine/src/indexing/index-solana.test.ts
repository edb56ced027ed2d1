import { Keypair, PublicKey } from '@solana/web3.js';
import { type SolanaDevnet, startSolanaDevnet } from '@xmargin/devnet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromScratch, seedMarketAndAccount, waitFor } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';

let devnet: SolanaDevnet;
let t: TestEngine;
let mint: string;

beforeAll(async () => {
  devnet = await startSolanaDevnet();
  mint = (await devnet.createMint(6)).toBase58();
  t = await startTestEngine('index-solana', {
    role: 'all',
    env: {
      INDEX_EVERY_MS: '1000',
      INDEX_NETWORKS: JSON.stringify([
        {
          platform: 'solana',
          chain: 'solana-devnet',
          rpcUrl: devnet.rpcUrl,
          mints: { [mint]: { asset: 'USDC', decimals: 6 } },
        },
      ]),
    },
  });
  await seedMarketAndAccount(t, 'acc_sol');
  // Linked wallets' balances are unescrowed (the trader can move them at any time): by default they back
  // nothing. This deployment lets them count in full, so the margin follows the wallet.
  const app = t.engine.app!;
  const proposed = await app.inject({
    method: 'POST',
    url: '/v1/admin/params',
    headers: bearer(t.adminKey),
    payload: {
      params: { preset: 'pmrm-v1-mainnet', overrides: { assets: { USDC: { unescrowedHaircut: 0 } } } },
    },
  });
  const activated = await app.inject({
    method: 'POST',
    url: `/v1/admin/params/${proposed.json().version}/activate`,
    headers: bearer(t.adminKey),
  });
  if (activated.statusCode !== 200) throw new Error(`params: ${proposed.body} ${activated.body}`);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await devnet?.stop();
});

it('index-chain reads SPL balances of linked Solana wallets (unescrowed) and the margin follows them', async () => {
  const wallet = Keypair.generate();
  const tokenAccount = await devnet.createTokenAccount(wallet.publicKey, new PublicKey(mint));
  await devnet.mintTo(new PublicKey(mint), tokenAccount, 2_500_000_000n);
  await t.engine.context.store.accounts.linkAddress({
    account: 'acc_sol' as never,
    chain: 'solana',
    address: wallet.publicKey.toBase58(),
  });
  const snap = await waitFor(async () => {
    const s = await t.engine.context.marginCache.getView('acc_sol');
    return s?.summary && s.summary.equity > 0 ? s : undefined;
  }, 30_000);
  expect(snap.summary!.equity).toBeCloseTo(2_500, 6);
  const [row] = await t.engine.context.store.balances.listByAccount('acc_sol' as never);
  expect(row?.trust).toBe('unescrowed');
  expect(snap.freshness.map((f) => f.chain)).toEqual(['solana-devnet']);
  const scratch = await fromScratch(t.engine.context.store, 'acc_sol', snap.asOf);
  expect(snap.inputHash).toBe(scratch.inputHash);

  // A later burn (withdraw-like) is picked up by the next round.
  await devnet.burn(tokenAccount, wallet, 1_000_000_000n);
  const after = await waitFor(async () => {
    const s = await t.engine.context.marginCache.getView('acc_sol');
    return s?.summary && Math.abs(s.summary.equity - 1_500) < 1e-6 ? s : undefined;
  }, 30_000);
  expect(after.summary!.equity).toBeCloseTo(1_500, 6);
}, 90_000);
