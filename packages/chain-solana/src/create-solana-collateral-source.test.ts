import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Keypair, type PublicKey, SystemProgram } from '@solana/web3.js';
import { accountId, solanaAddress, solanaToUniversal } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The devnet package's main entry gains the Solana exports when devnet.ts wires it; until then the
// tests import the Solana devnet module directly.
import { type SolanaDevnet, startSolanaDevnet } from '../../devnet/src/solana/index.js';
import type { SolanaCollateralSourceConfig } from './config.js';
import { createSolanaCollateralSource } from './create-solana-collateral-source.js';

const CHAIN = 'solana-devnet';
const alice = accountId('acc_alice');
const bob = accountId('acc_bob');

let devnet: SolanaDevnet;
let usdc: PublicKey;
let pyusd: PublicKey;
let junk: PublicKey;

beforeAll(async () => {
  devnet = await startSolanaDevnet();
  usdc = await devnet.createMint(6);
  pyusd = await devnet.createMint(6, { program: 'token-2022' });
  junk = await devnet.createMint(9);
});

afterAll(async () => {
  await devnet.stop();
});

function config(
  accounts: SolanaCollateralSourceConfig['accounts'],
  extra: Partial<SolanaCollateralSourceConfig> = {},
) {
  return {
    chain: CHAIN,
    rpcUrl: devnet.rpcUrl,
    accounts,
    mints: {
      [usdc.toBase58()]: { asset: 'USDC', decimals: 6 },
      [pyusd.toBase58()]: { asset: 'PYUSD', decimals: 6 },
    },
    ...extra,
  } satisfies SolanaCollateralSourceConfig;
}

const u = (k: PublicKey) => solanaToUniversal(solanaAddress(k.toBase58()));

describe('createSolanaCollateralSource', () => {
  it('observes deposit, transfer and withdraw with the amounts, slots, block hashes and times of the chain', async () => {
    const wallet = Keypair.generate();
    const other = Keypair.generate();
    const ta = await devnet.createTokenAccount(wallet.publicKey, usdc);
    const tb = await devnet.createTokenAccount(other.publicKey, usdc);
    const source = createSolanaCollateralSource(
      config([
        { account: alice, tokenAccounts: [ta.toBase58()] },
        { account: bob, tokenAccounts: [tb.toBase58()] },
      ]),
    );
    expect(source.chain).toBe(CHAIN);

    const deposit = await devnet.mintTo(usdc, ta, 5_000_000n);
    const first = await source.poll(undefined);
    expect(first.rejections).toEqual([]);
    expect(first.cursor.height).toBe(devnet.slot());
    expect(first.cursor.blockHash).toBe(devnet.chain.block(devnet.slot())?.blockhash);
    const block = devnet.chain.block(deposit.slot);
    expect(first.observations).toEqual([
      {
        chain: CHAIN,
        account: alice,
        asset: 'USDC',
        token: u(usdc),
        holder: u(wallet.publicKey),
        amount: 5_000_000n,
        decimals: 6,
        height: deposit.slot,
        blockHash: block?.blockhash,
        source: 'indexer',
        observedAt: block?.blockTime,
        ref: ta.toBase58(),
        trust: 'unescrowed',
      },
      expect.objectContaining({ account: bob, amount: 0n, holder: u(other.publicKey) }),
    ]);

    const transfer = await devnet.transfer(ta, tb, wallet, 1_250_000n);
    const second = await source.poll(first.cursor);
    expect(second.observations.map((o) => [o.account, o.amount, o.height])).toEqual([
      [alice, 3_750_000n, transfer.slot],
      [bob, 1_250_000n, transfer.slot],
    ]);
    expect(second.observations[0]?.blockHash).toBe(devnet.chain.block(transfer.slot)?.blockhash);

    const withdraw = await devnet.burn(tb, other, 250_000n);
    const third = await source.poll(second.cursor);
    expect(third.observations.map((o) => [o.account, o.amount, o.height])).toEqual([
      [bob, 1_000_000n, withdraw.slot],
    ]);
    expect(third.cursor.height).toBe(withdraw.slot);
  });

  it('keeps the slot cursor monotonic and re-emits everything for a cursor it did not return', async () => {
    const wallet = Keypair.generate();
    const ta = await devnet.createTokenAccount(wallet.publicKey, usdc);
    await devnet.mintTo(usdc, ta, 42n);
    const source = createSolanaCollateralSource(config([{ account: alice, tokenAccounts: [ta.toBase58()] }]));
    const first = await source.poll(undefined);
    expect(first.observations).toHaveLength(1);

    // Nothing new is final: same cursor, no observations.
    const idle = await source.poll(first.cursor);
    expect(idle.cursor).toEqual(first.cursor);
    expect(idle.observations).toEqual([]);

    // Empty slots move the cursor forward without observations.
    devnet.advanceSlots(4);
    const moved = await source.poll(idle.cursor);
    expect(moved.cursor.height).toBe(first.cursor.height + 4n);
    expect(moved.observations).toEqual([]);

    // A cursor from elsewhere (a restarted engine) gets a full snapshot, never older than that cursor.
    const restarted = createSolanaCollateralSource(
      config([{ account: alice, tokenAccounts: [ta.toBase58()] }]),
    );
    const again = await restarted.poll(first.cursor);
    expect(again.observations.map((o) => o.amount)).toEqual([42n]);
    expect(again.cursor.height).toBeGreaterThanOrEqual(first.cursor.height);
  });

  it("reads a Token-2022 account (with extensions) and discovers wallets' accounts of both programs", async () => {
    const wallet = Keypair.generate();
    const t22 = await devnet.createTokenAccount(wallet.publicKey, pyusd);
    const classic = await devnet.createTokenAccount(wallet.publicKey, usdc, { associated: true });
    const spam = await devnet.createTokenAccount(wallet.publicKey, junk);
    await devnet.mintTo(pyusd, t22, 7_000_000n);
    await devnet.mintTo(usdc, classic, 3_000_000n);
    await devnet.mintTo(junk, spam, 1n);

    const direct = createSolanaCollateralSource(
      config([{ account: alice, tokenAccounts: [t22.toBase58()] }]),
    );
    const read = await direct.poll(undefined);
    expect(read.rejections).toEqual([]);
    expect(read.observations).toEqual([
      expect.objectContaining({ asset: 'PYUSD', amount: 7_000_000n, token: u(pyusd), ref: t22.toBase58() }),
    ]);

    const byOwner = createSolanaCollateralSource(
      config([{ account: bob, owners: [wallet.publicKey.toBase58()] }]),
    );
    const found = await byOwner.poll(undefined);
    expect(found.rejections).toEqual([]);
    expect(found.observations.map((o) => [o.account, o.asset, o.amount, o.holder])).toEqual(
      expect.arrayContaining([
        [bob, 'PYUSD', 7_000_000n, u(wallet.publicKey)],
        [bob, 'USDC', 3_000_000n, u(wallet.publicKey)],
      ]),
    );
    // The unregistered mint in the wallet is not collateral and not an error.
    expect(found.observations).toHaveLength(2);
  });

  it("sums a wallet's accounts of one mint and emits 0 when they are emptied", async () => {
    const wallet = Keypair.generate();
    const a1 = await devnet.createTokenAccount(wallet.publicKey, usdc);
    const a2 = await devnet.createTokenAccount(wallet.publicKey, usdc);
    await devnet.mintTo(usdc, a1, 10n);
    await devnet.mintTo(usdc, a2, 20n);
    const source = createSolanaCollateralSource(
      config([{ account: alice, owners: [wallet.publicKey.toBase58()] }]),
    );
    const first = await source.poll(undefined);
    expect(first.observations.map((o) => [o.amount, o.ref])).toEqual([
      [30n, [a1.toBase58(), a2.toBase58()].sort().join(',')],
    ]);
    await devnet.burn(a1, wallet, 10n);
    const burn = await devnet.burn(a2, wallet, 20n);
    const second = await source.poll(first.cursor);
    expect(second.observations.map((o) => [o.amount, o.height])).toEqual([[0n, burn.slot]]);
  });

  it('reports a wrong-mint account with CHAIN__WRONG_MINT and keeps reading the others', async () => {
    const wallet = Keypair.generate();
    const good = await devnet.createTokenAccount(wallet.publicKey, usdc);
    const unregistered = await devnet.createTokenAccount(wallet.publicKey, junk);
    const pinned = await devnet.createTokenAccount(wallet.publicKey, pyusd);
    await devnet.mintTo(usdc, good, 1_000n);
    await devnet.mintTo(junk, unregistered, 9_000n);
    const source = createSolanaCollateralSource(
      config([
        {
          account: alice,
          tokenAccounts: [
            good.toBase58(),
            unregistered.toBase58(),
            { address: pinned.toBase58(), mint: usdc.toBase58() },
          ],
        },
      ]),
    );
    const result = await source.poll(undefined);
    expect(result.observations.map((o) => [o.asset, o.amount])).toEqual([['USDC', 1_000n]]);
    expect(result.rejections.map((e) => [e.code, e.context])).toEqual([
      [
        'CHAIN__WRONG_MINT',
        expect.objectContaining({ address: unregistered.toBase58(), actual: junk.toBase58() }),
      ],
      [
        'CHAIN__WRONG_MINT',
        { chain: CHAIN, address: pinned.toBase58(), expected: usdc.toBase58(), actual: pyusd.toBase58() },
      ],
    ]);
  });

  it('classifies accounts that are not usable token accounts', async () => {
    const wallet = Keypair.generate();
    const foreign = Keypair.generate();
    const someProgram = Keypair.generate().publicKey;
    // A 165-byte account owned by a program that is neither SPL Token nor Token-2022.
    await devnet.sendTransaction(
      [
        SystemProgram.createAccount({
          fromPubkey: devnet.payer.publicKey,
          newAccountPubkey: foreign.publicKey,
          lamports: 10_000_000,
          space: 165,
          programId: someProgram,
        }),
      ],
      [foreign],
    );
    const owned = await devnet.createTokenAccount(wallet.publicKey, usdc);
    const missing = Keypair.generate().publicKey;
    const source = createSolanaCollateralSource(
      config([
        {
          account: alice,
          tokenAccounts: [
            foreign.publicKey.toBase58(),
            missing.toBase58(),
            usdc.toBase58(),
            { address: owned.toBase58(), owner: Keypair.generate().publicKey.toBase58() },
          ],
        },
      ]),
    );
    const result = await source.poll(undefined);
    expect(result.observations).toEqual([]);
    expect(result.rejections.map((e) => e.code)).toEqual([
      'CHAIN__UNSUPPORTED_TOKEN_PROGRAM',
      'CHAIN__ACCOUNT_NOT_FOUND',
      'CHAIN__INVALID_TOKEN_ACCOUNT',
      'CHAIN__WRONG_OWNER',
    ]);
    expect(result.rejections[0]?.context).toEqual({
      chain: CHAIN,
      address: foreign.publicKey.toBase58(),
      program: someProgram.toBase58(),
    });
  });

  it('reads in batches of batchSize', async () => {
    const wallet = Keypair.generate();
    const accounts: PublicKey[] = [];
    for (let i = 0; i < 7; i++) {
      const ta = await devnet.createTokenAccount(wallet.publicKey, i % 2 ? pyusd : usdc);
      await devnet.mintTo(i % 2 ? pyusd : usdc, ta, BigInt(i + 1));
      accounts.push(ta);
    }
    for (const batchSize of [1, 3, 100]) {
      const source = createSolanaCollateralSource(
        config([{ account: alice, tokenAccounts: accounts.map((a) => a.toBase58()) }], { batchSize }),
      );
      const result = await source.poll(undefined);
      const byAsset = Object.fromEntries(result.observations.map((o) => [o.asset, o.amount]));
      expect(byAsset).toEqual({ USDC: 1n + 3n + 5n + 7n, PYUSD: 2n + 4n + 6n });
      expect(result.rejections).toEqual([]);
    }
  });

  it('rejects invalid configuration with CHAIN__INVALID_CONFIG', () => {
    const bad: Array<Partial<SolanaCollateralSourceConfig>> = [
      { chain: 'ethereum' },
      { chain: 'nope' },
      { rpcUrl: 'ftp://x' },
      { batchSize: 101 },
      { accounts: [{ account: alice, tokenAccounts: ['not-base58!'] }] },
      {
        accounts: [
          { account: alice, owners: [devnet.payer.publicKey.toBase58()] },
          { account: bob, owners: [devnet.payer.publicKey.toBase58()] },
        ],
      },
    ];
    for (const patch of bad) {
      expect(() => createSolanaCollateralSource({ ...config([]), ...patch }), JSON.stringify(patch)).toThrow(
        expect.objectContaining({ code: 'CHAIN__INVALID_CONFIG' }),
      );
    }
  });
});

describe('RPC failures', () => {
  it('classifies a node that is down as CHAIN__RPC_UNAVAILABLE', async () => {
    const down = await startSolanaDevnet();
    const rpcUrl = down.rpcUrl;
    await down.stop();
    const source = createSolanaCollateralSource({
      ...config([{ account: alice, owners: [devnet.payer.publicKey.toBase58()] }]),
      rpcUrl,
    });
    const err = await source.poll(undefined).catch((e: unknown) => e);
    expect(isAppError(err, 'CHAIN__RPC_UNAVAILABLE')).toBe(true);
    expect(isAppError(err) && err.context).toEqual({ chain: CHAIN, url: rpcUrl });
  });

  it('classifies a node that does not answer in time as CHAIN__RPC_TIMEOUT', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const rpcUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const source = createSolanaCollateralSource({
        ...config([{ account: alice, tokenAccounts: [usdc.toBase58()] }]),
        rpcUrl,
        requestTimeoutMs: 200,
      });
      const err = await source.poll(undefined).catch((e: unknown) => e);
      expect(isAppError(err, 'CHAIN__RPC_TIMEOUT')).toBe(true);
      expect(isAppError(err) && err.context).toEqual({ chain: CHAIN, method: 'getMultipleAccounts' });
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('classifies HTTP 503/429 as unavailable and other HTTP or malformed answers as RPC errors', async () => {
    let reply: { status: number; body: string } = { status: 503, body: 'busy' };
    const faulty: Server = createServer((_req, res) => {
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
    await new Promise<void>((r) => faulty.listen(0, '127.0.0.1', r));
    const rpcUrl = `http://127.0.0.1:${(faulty.address() as AddressInfo).port}`;
    const source = createSolanaCollateralSource({
      ...config([{ account: alice, tokenAccounts: [usdc.toBase58()] }]),
      rpcUrl,
    });
    const codeFor = async (status: number, body: string) => {
      reply = { status, body };
      const err = await source.poll(undefined).catch((e: unknown) => e);
      return isAppError(err) ? err.code : String(err);
    };
    try {
      expect(await codeFor(503, 'busy')).toBe('CHAIN__RPC_UNAVAILABLE');
      expect(await codeFor(429, 'slow down')).toBe('CHAIN__RPC_UNAVAILABLE');
      expect(await codeFor(403, 'forbidden')).toBe('CHAIN__RPC_ERROR');
      expect(await codeFor(200, '{"jsonrpc":"2.0","id":1,"result":{"unexpected":true}}')).toBe(
        'CHAIN__RPC_ERROR',
      );
    } finally {
      faulty.closeAllConnections();
      await new Promise((r) => faulty.close(r));
    }
  });

  it('classifies a JSON-RPC error (context slot not reached) as CHAIN__RPC_ERROR with its code', async () => {
    const source = createSolanaCollateralSource(
      config([{ account: alice, tokenAccounts: [usdc.toBase58()] }]),
    );
    const ahead = { chain: CHAIN, height: devnet.slot() + 1_000n, blockHash: 'x' };
    const err = await source.poll(ahead).catch((e: unknown) => e);
    expect(isAppError(err, 'CHAIN__RPC_ERROR')).toBe(true);
    expect(isAppError(err) && err.context).toEqual({
      chain: CHAIN,
      method: 'getMultipleAccounts',
      rpcCode: -32016,
    });
  });

  it("stops when the caller aborts, with the caller's reason", async () => {
    const source = createSolanaCollateralSource(
      config([{ account: alice, tokenAccounts: [usdc.toBase58()] }]),
    );
    const controller = new AbortController();
    const reason = new Error('shutdown');
    controller.abort(reason);
    await expect(source.poll(undefined, controller.signal)).rejects.toBe(reason);
  });
});
