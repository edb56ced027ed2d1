// Benchmark of the Solana adapter against the LiteSVM devnet: poll latency for many registered token
// accounts at two batch sizes, an idle (nothing changed) poll, and the token-account decoder alone.
// Prints figures and ratios from this one run; nothing is asserted.
import { performance } from 'node:perf_hooks';
import { Keypair } from '@solana/web3.js';
import { accountId } from '@xmargin/core';
import { startSolanaDevnet } from '../../devnet/src/solana/index.js';
import { createSolanaCollateralSource } from '../src/create-solana-collateral-source.js';
import { decodeTokenAccount, TOKEN_PROGRAM_ID } from '../src/token-account.js';

const ACCOUNTS = 500;
const ROUNDS = 5;

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

const devnet = await startSolanaDevnet();
try {
  const usdc = await devnet.createMint(6);
  const pyusd = await devnet.createMint(6, { program: 'token-2022' });
  const tokenAccounts: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const mint = i % 2 ? pyusd : usdc;
    const ta = await devnet.createTokenAccount(Keypair.generate().publicKey, mint);
    await devnet.mintTo(mint, ta, BigInt(1 + i));
    tokenAccounts.push(ta.toBase58());
  }
  const config = (batchSize: number) => ({
    chain: 'solana-devnet',
    rpcUrl: devnet.rpcUrl,
    batchSize,
    accounts: [{ account: accountId('acc_bench'), tokenAccounts }],
    mints: {
      [usdc.toBase58()]: { asset: 'USDC', decimals: 6 },
      [pyusd.toBase58()]: { asset: 'PYUSD', decimals: 6 },
    },
  });

  const full100 = await timeIt(() => createSolanaCollateralSource(config(100)).poll(undefined));
  const full10 = await timeIt(() => createSolanaCollateralSource(config(10)).poll(undefined));
  const source = createSolanaCollateralSource(config(100));
  let cursor = (await source.poll(undefined)).cursor;
  const idle = await timeIt(async () => {
    cursor = (await source.poll(cursor)).cursor;
  });

  const data = Buffer.alloc(165);
  Keypair.generate().publicKey.toBuffer().copy(data, 0);
  Keypair.generate().publicKey.toBuffer().copy(data, 32);
  data.writeBigUInt64LE(123n, 64);
  data[108] = 1;
  const N = 100_000;
  const t = performance.now();
  for (let i = 0; i < N; i++) decodeTokenAccount(TOKEN_PROGRAM_ID, data);
  const decodeMs = performance.now() - t;

  const line = (label: string, ms: number) =>
    process.stdout.write(
      `${label.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms  (${((ACCOUNTS / ms) * 1000).toFixed(0)} accounts/s)\n`,
    );
  process.stdout.write(`poll of ${ACCOUNTS} registered token accounts (median of ${ROUNDS})\n`);
  line('full snapshot, batchSize 100', full100);
  line('full snapshot, batchSize 10', full10);
  line('idle poll (no change), batchSize 100', idle);
  process.stdout.write(`ratio batchSize 10 / batchSize 100: ${(full10 / full100).toFixed(2)}x\n`);
  process.stdout.write(`decodeTokenAccount: ${((N / decodeMs) * 1000).toFixed(0)} decodes/s\n`);
} finally {
  await devnet.stop();
}
