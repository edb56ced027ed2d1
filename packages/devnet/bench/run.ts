// Gas per authorised withdrawal (EIP-712 signature check, per-account nonce) next to the unauthorised
// withdrawal of the vault before issue 14, both measured on the same ganache node in one run. Gas is
// deterministic for a given state shape; the figures are printed, not asserted.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  type Abi,
  type Address,
  encodeFunctionData,
  getAddress,
  type Hex,
  type TransactionReceipt,
} from 'viem';
import { sendAndConfirm } from '../src/evm/send.js';
import { startEvmDevnet } from '../src/index.js';

const ROUNDS = 20;
const USDC = 1_000_000n;

// solc-js is the contracts package's compiler; the bench borrows it rather than adding a second copy.
const solc = createRequire(new URL('../../contracts/package.json', import.meta.url))('solc') as {
  compile(input: string): string;
};

function compileLegacyVault(): { abi: Abi; bytecode: Hex } {
  const read = (url: URL) => ({ content: readFileSync(url, 'utf8') });
  const input = {
    language: 'Solidity',
    sources: {
      'LegacyCollateralVault.sol': read(new URL('./fixtures/LegacyCollateralVault.sol', import.meta.url)),
      'IWormholeCore.sol': read(new URL('../../contracts/contracts/IWormholeCore.sol', import.meta.url)),
    },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'shanghai',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = out.contracts['LegacyCollateralVault.sol']?.LegacyCollateralVault;
  if (!c) throw new Error('no LegacyCollateralVault artifact');
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

const devnet = await startEvmDevnet({ forcedWithdrawalDelay: 60n });
try {
  const [, alice, relayer] = devnet.accounts as [Address, Address, Address];
  const usdc = devnet.token('USDC').address;
  const legacy = compileLegacyVault();
  const send = (from: Address, to: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
    sendAndConfirm(devnet.chainName, devnet.publicClient, () =>
      devnet.walletClient.sendTransaction({
        account: from,
        to,
        data: encodeFunctionData({ abi, functionName, args }),
        chain: null,
      }),
    );
  const deployed = await sendAndConfirm(devnet.chainName, devnet.publicClient, () =>
    devnet.walletClient.deployContract({
      abi: legacy.abi,
      bytecode: legacy.bytecode,
      args: [devnet.contracts.coreBridge],
      account: devnet.deployer,
      chain: null,
    }),
  );
  const legacyVault = getAddress(deployed.contractAddress ?? '0x');
  const testToken = (await import('@xmargin/contracts')).testTokenAbi as Abi;
  await send(devnet.deployer, legacyVault, legacy.abi, 'setTokenAllowed', [usdc, true]);
  await devnet.mint({ token: 'USDC', to: alice, amount: 2_000n * USDC });
  await send(alice, usdc, testToken, 'approve', [legacyVault, 1_000n * USDC]);
  await send(alice, legacyVault, legacy.abi, 'deposit', [usdc, 1_000n * USDC]);
  await devnet.deposit({ from: alice, token: 'USDC', amount: 1_000n * USDC });

  const gas: Record<string, bigint[]> = {};
  const record = (name: string, r: TransactionReceipt) => {
    gas[name] ??= [];
    gas[name].push(r.gasUsed);
  };
  const receipt = (hash: Hex) => devnet.publicClient.getTransactionReceipt({ hash });
  for (let i = 0; i < ROUNDS; i++) {
    record(
      'old withdraw (unauthorised)',
      await send(alice, legacyVault, legacy.abi, 'withdraw', [usdc, USDC, alice]),
    );
    record(
      'withdraw (authorised, by the account)',
      await receipt((await devnet.withdraw({ from: alice, token: 'USDC', amount: USDC })).hash),
    );
    const signed = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: USDC });
    record(
      'withdraw (authorised, by a relayer)',
      await receipt((await devnet.submitWithdrawal({ from: relayer, ...signed })).hash),
    );
    const seize = await devnet.signSeize({ account: alice, token: 'USDC', amount: USDC, to: relayer });
    record('seize', await receipt((await devnet.submitSeize({ from: relayer, ...seize })).hash));
  }
  record(
    'requestForcedWithdrawal',
    await receipt((await devnet.requestForcedWithdrawal({ from: alice, token: 'USDC', amount: USDC })).hash),
  );
  await devnet.increaseTime(61);
  record(
    'executeForcedWithdrawal',
    await receipt((await devnet.executeForcedWithdrawal({ from: alice, token: 'USDC' })).hash),
  );

  const base = gas['old withdraw (unauthorised)'] ?? [];
  const mean = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n) / BigInt(xs.length);
  const baseMean = mean(base);
  process.stdout.write(
    `gas per vault call (mean of the rounds after the first, whose cold storage costs more; ${ROUNDS} rounds)\n`,
  );
  for (const [name, xs] of Object.entries(gas)) {
    const steady = xs.length > 1 ? xs.slice(1) : xs;
    const m = mean(steady);
    const delta = m - mean(base.slice(1));
    process.stdout.write(
      `  ${name.padEnd(40)} ${String(m).padStart(7)} gas  first ${String(xs[0]).padStart(7)}  vs old ${delta >= 0n ? '+' : ''}${delta}\n`,
    );
  }
  process.stdout.write(`  (old withdraw mean over all rounds: ${baseMean})\n`);
} finally {
  await devnet.stop();
}
