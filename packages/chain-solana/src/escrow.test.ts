import { Keypair, type PublicKey } from '@solana/web3.js';
import { accountId, solanaAddress, solanaToUniversal } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SolanaDevnet, startSolanaDevnet } from '../../devnet/src/solana/index.js';
import { createSolanaCollateralSource } from './create-solana-collateral-source.js';
import {
  associatedTokenAddress,
  createSolanaEscrowClient,
  escrowAddress,
  escrowAuthority,
  type SolanaEscrowClient,
} from './escrow.js';
import { TOKEN_PROGRAM_ID } from './token-account.js';

const CHAIN = 'solana-devnet';
const alice = accountId('acc_alice');

let devnet: SolanaDevnet;
let usdc: PublicKey;
let client: SolanaEscrowClient;
const authority = escrowAuthority(new Uint8Array(32).fill(7));

beforeAll(async () => {
  devnet = await startSolanaDevnet();
  usdc = await devnet.createMint(6);
  await devnet.airdrop(authority.publicKey, 10_000_000_000n);
  client = createSolanaEscrowClient({ chain: CHAIN, rpcUrl: devnet.rpcUrl, authority });
});

afterAll(async () => {
  await devnet.stop();
});

it('derives the same authority from the same secret and a different one from another', () => {
  expect(escrowAuthority(new Uint8Array(32).fill(7)).publicKey.equals(authority.publicKey)).toBe(true);
  expect(escrowAuthority(new Uint8Array(32).fill(8)).publicKey.equals(authority.publicKey)).toBe(false);
});

it('opens one escrow per (account, mint) owned by the authority, indexed as escrowed, and transfers out of it', async () => {
  const opened = await client.openEscrow(alice, usdc.toBase58());
  expect(opened.created).toBe(true);
  const expected = await escrowAddress(authority.publicKey, alice, usdc.toBase58(), TOKEN_PROGRAM_ID);
  expect(opened.address).toBe(expected.toBase58());
  expect(await client.openEscrow(alice, usdc.toBase58())).toEqual({ ...opened, created: false });

  // A deposit is a plain SPL transfer into the escrow; the trader's wallet balance is unescrowed.
  const wallet = Keypair.generate();
  const walletAccount = await devnet.createTokenAccount(wallet.publicKey, usdc, { associated: true });
  expect(walletAccount.equals(associatedTokenAddress(wallet.publicKey, usdc, TOKEN_PROGRAM_ID))).toBe(true);
  expect(await client.walletTokenAccount(wallet.publicKey.toBase58(), usdc.toBase58())).toBe(
    walletAccount.toBase58(),
  );
  await devnet.mintTo(usdc, walletAccount, 900_000_000n);
  await devnet.transfer(walletAccount, expected, wallet, 600_000_000n);

  const source = createSolanaCollateralSource({
    chain: CHAIN,
    rpcUrl: devnet.rpcUrl,
    mints: { [usdc.toBase58()]: { asset: 'USDC', decimals: 6 } },
    accounts: [
      {
        account: alice,
        owners: [wallet.publicKey.toBase58()],
        tokenAccounts: [
          { address: opened.address, mint: usdc.toBase58(), owner: opened.authority, escrow: true },
        ],
      },
    ],
  });
  const first = await source.poll(undefined);
  expect(first.rejections).toEqual([]);
  const view = (o: (typeof first.observations)[number]) => [o.holder, o.amount, o.trust];
  const u = (k: PublicKey) => solanaToUniversal(solanaAddress(k.toBase58()));
  expect(first.observations.map(view).sort()).toEqual(
    [
      [u(authority.publicKey), 600_000_000n, 'escrowed'],
      [u(wallet.publicKey), 300_000_000n, 'unescrowed'],
    ].sort(),
  );

  const sent = await client.transfer({
    account: alice,
    mint: usdc.toBase58(),
    destination: walletAccount.toBase58(),
    amount: 250_000_000n,
    decimals: 6,
  });
  expect(sent.slot).toBeGreaterThan(0n);
  expect(devnet.tokenBalance(expected)).toBe(350_000_000n);
  expect(devnet.tokenBalance(walletAccount)).toBe(550_000_000n);

  // More than the escrow holds: the chain refuses it and nothing moves.
  const err = await client
    .transfer({
      account: alice,
      mint: usdc.toBase58(),
      destination: walletAccount.toBase58(),
      amount: 1_000_000_000n,
      decimals: 6,
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(isAppError(err, 'SETTLEMENT__TRANSFER_FAILED')).toBe(true);
  expect(devnet.tokenBalance(expected)).toBe(350_000_000n);
  await source.close();
}, 60_000);

it('refuses an escrow registration that does not name its owner', () => {
  expect(() =>
    createSolanaCollateralSource({
      chain: CHAIN,
      rpcUrl: devnet.rpcUrl,
      mints: {},
      accounts: [{ account: alice, tokenAccounts: [{ address: usdc.toBase58(), escrow: true }] }],
    }),
  ).toThrow(expect.objectContaining({ code: 'CHAIN__INVALID_CONFIG' }));
});
