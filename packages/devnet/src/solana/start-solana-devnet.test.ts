import {
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SolanaDevnet, startSolanaDevnet, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from './index.js';

let devnet: SolanaDevnet;

beforeAll(async () => {
  devnet = await startSolanaDevnet();
});

afterAll(async () => {
  await devnet.stop();
});

async function rpc(
  method: string,
  params: unknown[] = [],
): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
  const res = await fetch(devnet.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
}

describe('startSolanaDevnet', () => {
  it('serves slots, blockhashes and block times through web3.js', async () => {
    const conn = devnet.connection();
    const slot = await conn.getSlot('finalized');
    expect(BigInt(slot)).toBe(devnet.slot());
    const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash('finalized');
    expect(blockhash).toBe(devnet.chain.latest.blockhash);
    expect(lastValidBlockHeight).toBe(slot + 150);
    const after = devnet.advanceSlots(3);
    expect(after).toBe(BigInt(slot) + 3n);
    expect(await conn.getBlockHeight()).toBe(Number(after));
    const time = await conn.getBlockTime(Number(after));
    expect(time).toBeGreaterThan(1_600_000_000);
    const block = await conn.getBlock(Number(after), {
      transactionDetails: 'none',
      rewards: false,
      maxSupportedTransactionVersion: 0,
    });
    expect(block?.parentSlot).toBe(Number(after) - 1);
    expect(block?.blockhash).toBe(devnet.chain.block(after)?.blockhash);
    expect(block?.previousBlockhash).toBe(devnet.chain.block(after - 1n)?.blockhash);
    expect((await conn.getEpochInfo()).absoluteSlot).toBe(Number(after));
    expect(await conn.getGenesisHash()).toBe(devnet.chain.genesisHash);
    expect((await conn.getVersion())['solana-core']).toMatch(/^\d/);
  });

  it('confirms a SOL transfer end-to-end with sendAndConfirmTransaction (HTTP + signatureSubscribe)', async () => {
    const conn = new (await import('@solana/web3.js')).Connection(devnet.rpcUrl, 'finalized');
    const alice = Keypair.generate();
    const bob = Keypair.generate();
    const airdropSig = await conn.requestAirdrop(alice.publicKey, 2 * LAMPORTS_PER_SOL);
    expect((await conn.getSignatureStatus(airdropSig)).value?.confirmationStatus).toBe('finalized');
    const before = await conn.getSlot();
    const tx = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: alice.publicKey,
        toPubkey: bob.publicKey,
        lamports: LAMPORTS_PER_SOL / 2,
      }),
    );
    const signature = await sendAndConfirmTransaction(conn, tx, [alice], { commitment: 'finalized' });
    const status = await conn.getSignatureStatus(signature);
    expect(status.value?.err).toBeNull();
    expect(status.value?.slot).toBe(before + 1);
    expect(await conn.getBalance(bob.publicKey)).toBe(LAMPORTS_PER_SOL / 2);
    expect(await conn.getBalance(alice.publicKey)).toBe(2 * LAMPORTS_PER_SOL - LAMPORTS_PER_SOL / 2 - 5000);
  });

  it('rejects a failing transaction at preflight with the program error', async () => {
    const conn = devnet.connection();
    const poor = Keypair.generate();
    await devnet.airdrop(poor.publicKey, 10_000_000n);
    const tx = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: poor.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: LAMPORTS_PER_SOL,
      }),
    );
    const slot = devnet.slot();
    const err = await sendAndConfirmTransaction(conn, tx, [poor]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendTransactionError);
    expect((err as SendTransactionError).message).toContain('Custom');
    expect(devnet.slot()).toBe(slot);
  });

  it('creates Token and Token-2022 mints and moves tokens with real SPL instructions', async () => {
    const conn = devnet.connection();
    const owner = Keypair.generate();
    for (const program of ['token', 'token-2022'] as const) {
      const mint = await devnet.createMint(6, { program });
      const programId = program === 'token' ? TOKEN_PROGRAM_ID : TOKEN_2022_PROGRAM_ID;
      expect((await conn.getAccountInfo(mint))?.owner.equals(programId)).toBe(true);
      const a = await devnet.createTokenAccount(owner.publicKey, mint);
      const b = await devnet.createTokenAccount(Keypair.generate().publicKey, mint, { associated: true });
      const minted = await devnet.mintTo(mint, a, 1_000_000n);
      expect(minted.slot).toBe(devnet.slot());
      await devnet.transfer(a, b, owner, 250_000n);
      await devnet.burn(a, owner, 100_000n);
      expect(devnet.tokenBalance(a)).toBe(650_000n);
      expect(devnet.tokenBalance(b)).toBe(250_000n);
      const [infoA, infoB] = await conn.getMultipleAccountsInfo([a, b], 'finalized');
      expect(infoA?.data.readBigUInt64LE(64)).toBe(650_000n);
      expect(infoB?.owner.equals(programId)).toBe(true);
      // Token-2022 accounts carry the ImmutableOwner extension, so they are longer than 165 bytes.
      expect(infoA?.data.length).toBe(program === 'token' ? 165 : 170);
      const bal = await conn.getTokenAccountBalance(a);
      expect(bal.value).toMatchObject({ amount: '650000', decimals: 6, uiAmountString: '0.65' });
      const byOwner = await conn.getTokenAccountsByOwner(owner.publicKey, { programId });
      expect(byOwner.value.map((v) => v.pubkey.toBase58())).toEqual([a.toBase58()]);
      const byMint = await conn.getTokenAccountsByOwner(owner.publicKey, { mint });
      expect(byMint.value).toHaveLength(1);
    }
  });

  it('reads many accounts at finalized commitment with slot context, as Wormhole Queries sol_account does', async () => {
    const conn = devnet.connection();
    const keys = [devnet.payer.publicKey, Keypair.generate().publicKey];
    const res = await conn.getMultipleAccountsInfoAndContext(keys, {
      commitment: 'finalized',
      minContextSlot: Number(devnet.slot()),
    });
    expect(BigInt(res.context.slot)).toBe(devnet.slot());
    expect(res.value[0]?.lamports).toBeGreaterThan(0);
    expect(res.value[1]).toBeNull();
    const raw = await rpc('getMultipleAccounts', [
      keys.map((k) => k.toBase58()),
      { commitment: 'finalized', encoding: 'base64' },
    ]);
    expect((raw.result as { context: { slot: number } }).context.slot).toBe(Number(devnet.slot()));
    const ahead = await rpc('getMultipleAccounts', [
      [keys[0]?.toBase58()],
      { minContextSlot: Number(devnet.slot()) + 10 },
    ]);
    expect(ahead.error?.code).toBe(-32016);
    const tooMany = await rpc('getMultipleAccounts', [
      Array.from({ length: 101 }, () => Keypair.generate().publicKey.toBase58()),
    ]);
    expect(tooMany.error?.code).toBe(-32602);
  });

  it('answers JSON-RPC errors for unknown methods, bad params and unknown blocks', async () => {
    expect((await rpc('getFoo')).error?.code).toBe(-32601);
    expect((await rpc('getBalance', ['not-a-key'])).error?.code).toBe(-32602);
    expect((await rpc('getSlot', [{ commitment: 'bogus' }])).error?.code).toBe(-32602);
    expect((await rpc('getBlockTime', [Number(devnet.slot()) + 1000])).error?.code).toBe(-32004);
    const batch = await fetch(devnet.rpcUrl, {
      method: 'POST',
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'getSlot' },
        { jsonrpc: '2.0', id: 2, method: 'getHealth' },
      ]),
    });
    expect(await batch.json()).toEqual([
      { jsonrpc: '2.0', id: 1, result: Number(devnet.slot()) },
      { jsonrpc: '2.0', id: 2, result: 'ok' },
    ]);
  });

  it('accepts a transaction built on a blockhash a few slots old, and rejects an unknown one', async () => {
    const conn = devnet.connection();
    const { blockhash } = await conn.getLatestBlockhash();
    devnet.advanceSlots(5);
    const tx = new Transaction({ feePayer: devnet.payer.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({
        fromPubkey: devnet.payer.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 1_000_000,
      }),
    );
    tx.sign(devnet.payer);
    const sig = await conn.sendRawTransaction(tx.serialize());
    expect((await conn.getSignatureStatus(sig)).value?.confirmationStatus).toBe('finalized');
    const stale = new Transaction({
      feePayer: devnet.payer.publicKey,
      recentBlockhash: new PublicKey(Keypair.generate().publicKey).toBase58(),
    }).add(
      SystemProgram.transfer({
        fromPubkey: devnet.payer.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 1_000_000,
      }),
    );
    stale.sign(devnet.payer);
    const err = await conn.sendRawTransaction(stale.serialize()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendTransactionError);
    expect((err as Error).message).toContain('BlockhashNotFound');
  });
});

describe('startSolanaDevnet: landing, simulation and slot subscriptions', () => {
  it('lands a failing transaction sent with skipPreflight and reports its error in the status', async () => {
    const conn = devnet.connection();
    const poor = Keypair.generate();
    await devnet.airdrop(poor.publicKey, 10_000_000n);
    const tx = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: poor.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: LAMPORTS_PER_SOL,
      }),
    );
    const before = devnet.slot();
    const err = await sendAndConfirmTransaction(conn, tx, [poor], { skipPreflight: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(devnet.slot()).toBe(before + 1n);
    const landed = devnet.chain.block(devnet.slot())?.signatures[0] ?? '';
    const status = await conn.getSignatureStatus(landed);
    expect(status.value?.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(status.value?.slot).toBe(Number(devnet.slot()));
  });

  it('simulates without changing state or slots', async () => {
    const conn = devnet.connection();
    const to = Keypair.generate().publicKey;
    const tx = new Transaction().add(
      SystemProgram.transfer({ fromPubkey: devnet.payer.publicKey, toPubkey: to, lamports: 5_000_000 }),
    );
    tx.feePayer = devnet.payer.publicKey;
    tx.recentBlockhash = devnet.chain.latest.blockhash;
    const slot = devnet.slot();
    const sim = await conn.simulateTransaction(tx, [devnet.payer]);
    expect(sim.value.err).toBeNull();
    expect(sim.value.logs?.length).toBeGreaterThan(0);
    expect(devnet.slot()).toBe(slot);
    expect(await conn.getBalance(to)).toBe(0);
  });

  it('notifies slot subscribers and produces slots on a timer when asked', async () => {
    const timed = await startSolanaDevnet({ slotIntervalMs: 20 });
    try {
      const conn = timed.connection();
      const seen: number[] = [];
      const done = new Promise<void>((resolve) => {
        const id = conn.onSlotChange((info) => {
          seen.push(info.slot);
          if (seen.length === 3) {
            void conn.removeSlotChangeListener(id).then(resolve);
          }
        });
      });
      await done;
      expect(seen[1]).toBe((seen[0] ?? 0) + 1);
      expect(seen[2]).toBe((seen[0] ?? 0) + 2);
    } finally {
      await timed.stop();
    }
    // web3.js reconnects (logging to the console) after any close but a normal one; give it the time
    // of one reconnect attempt to prove stop() closed its socket cleanly.
    await new Promise((r) => setTimeout(r, 1_200));
  });
});

describe('startSolanaDevnet: jsonParsed token data', () => {
  it('parses token accounts and mints of both programs as web3.js getParsed* expect', async () => {
    const conn = devnet.connection();
    const owner = Keypair.generate().publicKey;
    for (const program of ['token', 'token-2022'] as const) {
      const mint = await devnet.createMint(2, { program });
      const ta = await devnet.createTokenAccount(owner, mint);
      await devnet.mintTo(mint, ta, 12_345n);
      const parsed = await conn.getParsedTokenAccountsByOwner(owner, { mint });
      expect(parsed.value[0]?.account.data).toEqual({
        program: program === 'token' ? 'spl-token' : 'spl-token-2022',
        parsed: {
          type: 'account',
          info: {
            isNative: false,
            mint: mint.toBase58(),
            owner: owner.toBase58(),
            state: 'initialized',
            tokenAmount: { amount: '12345', decimals: 2, uiAmount: 123.45, uiAmountString: '123.45' },
          },
        },
        space: program === 'token' ? 165 : 170,
      });
      const mintInfo = await conn.getParsedAccountInfo(mint);
      expect(mintInfo.value?.data).toMatchObject({
        parsed: {
          type: 'mint',
          info: { decimals: 2, supply: '12345', mintAuthority: devnet.payer.publicKey.toBase58() },
        },
      });
    }
  });
});
