import {
  collateralVaultAbi,
  exampleMarginProtocolAbi,
  exampleMarginProtocolBytecode,
  type MarginStatementMessage,
  marginStatementTypes,
  xmarginDomain,
} from '@xmargin/contracts';
import {
  type Abi,
  type Address,
  BaseError,
  decodeErrorResult,
  encodeFunctionData,
  getAddress,
  type Hex,
  hashDomain,
  isHex,
  keccak256,
  parseEventLogs,
  toHex,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVNET_SETTLEMENT_PRIVATE_KEY, type EvmDevnet, startEvmDevnet } from './index.js';
import { sendAndConfirm } from './send.js';

const DELAY = 3_600n;
const USDC = 1_000_000n;
let devnet: EvmDevnet;
let alice: Address;
let bob: Address;
let relayer: Address;

beforeAll(async () => {
  devnet = await startEvmDevnet({ forcedWithdrawalDelay: DELAY });
  [, alice, bob, relayer] = devnet.accounts as [Address, Address, Address, Address];
  await devnet.mint({ token: 'USDC', to: alice, amount: 10_000n * USDC });
  await devnet.deposit({ from: alice, token: 'USDC', amount: 1_000n * USDC });
});
afterAll(async () => {
  await devnet?.stop();
});

/**
 * The custom error a call reverts with, decoded against `abi` (an eth_call from `from`, nothing mined).
 * ganache puts the revert data on the JSON-RPC error itself, so it is decoded from there.
 */
async function revertOf(
  p: { address: Address; abi: Abi },
  functionName: string,
  args: readonly unknown[],
  from: Address,
): Promise<string> {
  try {
    await devnet.publicClient.call({
      account: from,
      to: p.address,
      data: encodeFunctionData({ abi: p.abi, functionName, args }),
    });
  } catch (err) {
    const withData = err instanceof BaseError ? err.walk((e) => isHex((e as { data?: unknown }).data)) : null;
    const data = (withData as { data?: Hex } | null)?.data;
    if (data) return decodeErrorResult({ abi: p.abi, data }).errorName;
    throw err;
  }
  return 'no revert';
}

const vault = () => ({ address: devnet.contracts.vault, abi: collateralVaultAbi });

async function vaultEvents(hash: Hex) {
  const receipt = await devnet.publicClient.getTransactionReceipt({ hash });
  return parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs });
}

describe('CollateralVault authorised withdrawals', () => {
  it('pays out a withdrawal signed by the settlement key, submitted by anyone, to the signed recipient', async () => {
    const signed = await devnet.signWithdrawal({
      account: alice,
      token: 'USDC',
      amount: 100n * USDC,
      to: bob,
    });
    const before = await devnet.tokenBalance('USDC', bob);
    const tx = await devnet.submitWithdrawal({ from: relayer, ...signed });
    expect(await devnet.tokenBalance('USDC', bob)).toBe(before + 100n * USDC);
    expect(await devnet.vaultBalance(alice, 'USDC')).toBe(900n * USDC);
    const events = await vaultEvents(tx.hash);
    expect(events.map((e) => e.eventName)).toEqual(['WithdrawalAuthorised', 'Withdraw']);
    expect(events[1]?.args).toMatchObject({ account: alice, amount: 100n * USDC, balance: 900n * USDC });
  });

  it('refuses a withdrawal without a signature', async () => {
    const { message } = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: USDC });
    expect(await revertOf(vault(), 'withdraw', [message, '0x'], alice)).toBe('InvalidSigner');
  });

  it('refuses a withdrawal signed by another key', async () => {
    const signed = await devnet.signWithdrawal(
      { account: alice, token: 'USDC', amount: USDC },
      generatePrivateKey(),
    );
    expect(await revertOf(vault(), 'withdraw', [signed.message, signed.signature], alice)).toBe(
      'InvalidSigner',
    );
  });

  it('refuses a signed withdrawal whose fields were changed (amount, recipient)', async () => {
    const signed = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: USDC });
    const more = { ...signed.message, amount: 2n * USDC };
    expect(await revertOf(vault(), 'withdraw', [more, signed.signature], alice)).toBe('InvalidSigner');
    const elsewhere = { ...signed.message, to: bob };
    expect(await revertOf(vault(), 'withdraw', [elsewhere, signed.signature], alice)).toBe('InvalidSigner');
  });

  it('refuses an expired authorisation', async () => {
    const now = (await devnet.publicClient.getBlock()).timestamp;
    const signed = await devnet.signWithdrawal({
      account: alice,
      token: 'USDC',
      amount: USDC,
      deadline: now - 1n,
    });
    expect(await revertOf(vault(), 'withdraw', [signed.message, signed.signature], alice)).toBe(
      'AuthorisationExpired',
    );
  });

  it('refuses a replayed nonce, also under a new signature for another amount', async () => {
    const signed = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: USDC, nonce: 7n });
    await devnet.submitWithdrawal({ from: alice, ...signed });
    expect(await revertOf(vault(), 'withdraw', [signed.message, signed.signature], alice)).toBe(
      'NonceAlreadyUsed',
    );
    const again = await devnet.signWithdrawal({
      account: alice,
      token: 'USDC',
      amount: 2n * USDC,
      nonce: 7n,
    });
    expect(await revertOf(vault(), 'withdraw', [again.message, again.signature], alice)).toBe(
      'NonceAlreadyUsed',
    );
    // Nonces are per account: bob may use 7.
    expect(
      await devnet.publicClient.readContract({ ...vault(), functionName: 'nonceUsed', args: [bob, 7n] }),
    ).toBe(false);
  });

  it('refuses a signed withdrawal above the vault balance', async () => {
    const balance = await devnet.vaultBalance(alice, 'USDC');
    const signed = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: balance + 1n });
    expect(await revertOf(vault(), 'withdraw', [signed.message, signed.signature], alice)).toBe(
      'InsufficientVaultBalance',
    );
  });

  it('binds the signature to this chain and vault (EIP-712 domain)', async () => {
    const domainSeparator = await devnet.publicClient.readContract({
      ...vault(),
      functionName: 'domainSeparator',
    });
    expect(domainSeparator).toBe(
      hashDomain({
        domain: {
          name: 'xmargin',
          version: '1',
          chainId: BigInt(devnet.chainId),
          verifyingContract: devnet.contracts.vault,
        },
        types: {
          EIP712Domain: [
            { name: 'name', type: 'string' },
            { name: 'version', type: 'string' },
            { name: 'chainId', type: 'uint256' },
            { name: 'verifyingContract', type: 'address' },
          ],
        },
      }),
    );
  });
});

describe('CollateralVault signer rotation', () => {
  it('only the owner rotates; the old key stops verifying, the new one verifies, with an event', async () => {
    const newKey = generatePrivateKey();
    const newSigner = privateKeyToAccount(newKey).address;
    expect(await revertOf(vault(), 'setSigner', [newSigner], alice)).toBe('NotOwner');
    const pending = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: USDC });
    const tx = await devnet.setSigner(newSigner);
    const [rotated] = await vaultEvents(tx.hash);
    expect(rotated?.eventName).toBe('SignerChanged');
    expect(rotated?.args).toEqual({ previousSigner: devnet.settlementSigner, newSigner });
    expect(await revertOf(vault(), 'withdraw', [pending.message, pending.signature], alice)).toBe(
      'InvalidSigner',
    );
    const fresh = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: USDC }, newKey);
    await devnet.submitWithdrawal({ from: alice, ...fresh });
    await devnet.setSigner(devnet.settlementSigner);
    await devnet.submitWithdrawal({ from: alice, ...pending });
  });
});

describe('CollateralVault forced withdrawal', () => {
  it('is refused before the delay and paid after it, without any signature', async () => {
    const balance = await devnet.vaultBalance(alice, 'USDC');
    const req = await devnet.requestForcedWithdrawal({ from: alice, token: 'USDC', amount: 50n * USDC });
    const [requested] = await vaultEvents(req.hash);
    const at = (await devnet.publicClient.getBlock({ blockNumber: req.blockNumber })).timestamp;
    expect(requested?.eventName).toBe('ForcedWithdrawalRequested');
    expect(requested?.args).toMatchObject({ account: alice, amount: 50n * USDC, executableAt: at + DELAY });
    const usdc = devnet.token('USDC').address;
    expect(await revertOf(vault(), 'executeForcedWithdrawal', [usdc, alice], alice)).toBe(
      'ForcedWithdrawalNotReady',
    );
    await devnet.increaseTime(Number(DELAY) - 60);
    expect(await revertOf(vault(), 'executeForcedWithdrawal', [usdc, alice], alice)).toBe(
      'ForcedWithdrawalNotReady',
    );
    await devnet.increaseTime(61);
    const tx = await devnet.executeForcedWithdrawal({ from: alice, token: 'USDC' });
    expect((await vaultEvents(tx.hash)).map((e) => e.eventName)).toEqual([
      'ForcedWithdrawalExecuted',
      'Withdraw',
    ]);
    expect(await devnet.vaultBalance(alice, 'USDC')).toBe(balance - 50n * USDC);
    // Consumed: a second execution has nothing to pay.
    expect(await revertOf(vault(), 'executeForcedWithdrawal', [usdc, alice], alice)).toBe(
      'NoForcedWithdrawal',
    );
  });

  it('refuses a request above the balance and pays at most what a seizure during the delay left', async () => {
    await devnet.mint({ token: 'USDC', to: bob, amount: 100n * USDC });
    await devnet.deposit({ from: bob, token: 'USDC', amount: 100n * USDC });
    const usdc = devnet.token('USDC').address;
    expect(await revertOf(vault(), 'requestForcedWithdrawal', [usdc, 101n * USDC], bob)).toBe(
      'InsufficientVaultBalance',
    );
    await devnet.requestForcedWithdrawal({ from: bob, token: 'USDC', amount: 100n * USDC });
    const seize = await devnet.signSeize({ account: bob, token: 'USDC', amount: 30n * USDC, to: relayer });
    await devnet.submitSeize({ from: relayer, ...seize });
    await devnet.increaseTime(Number(DELAY));
    await devnet.executeForcedWithdrawal({ from: bob, token: 'USDC' });
    expect(await devnet.vaultBalance(bob, 'USDC')).toBe(0n);
  });
});

describe('CollateralVault seize', () => {
  it('moves collateral to the signed recipient with Seized and Withdraw events; checks like a withdrawal', async () => {
    const insuranceFund = getAddress(keccak256(toHex('insurance')).slice(0, 42));
    const balance = await devnet.vaultBalance(alice, 'USDC');
    const signed = await devnet.signSeize({
      account: alice,
      token: 'USDC',
      amount: 10n * USDC,
      to: insuranceFund,
    });
    const tx = await devnet.submitSeize({ from: relayer, ...signed });
    expect((await vaultEvents(tx.hash)).map((e) => e.eventName)).toEqual(['Seized', 'Withdraw']);
    expect(await devnet.tokenBalance('USDC', insuranceFund)).toBe(10n * USDC);
    expect(await devnet.vaultBalance(alice, 'USDC')).toBe(balance - 10n * USDC);
    expect(await revertOf(vault(), 'seize', [signed.message, signed.signature], relayer)).toBe(
      'NonceAlreadyUsed',
    );
    // A Withdrawal signature cannot be replayed as a Seize (different type hash).
    const w = await devnet.signWithdrawal({ account: alice, token: 'USDC', amount: USDC, to: relayer });
    expect(await revertOf(vault(), 'seize', [w.message, w.signature], relayer)).toBe('InvalidSigner');
    const forged = await devnet.signSeize(
      { account: alice, token: 'USDC', amount: USDC },
      generatePrivateKey(),
    );
    expect(await revertOf(vault(), 'seize', [forged.message, forged.signature], relayer)).toBe(
      'InvalidSigner',
    );
  });
});

describe('ExampleMarginProtocol', () => {
  let protocol: Address;
  // Windows wide enough that a loaded CI machine's pause between reading the block time and mining the
  // transaction (eth_call, gas estimate, send) cannot turn a fresh statement stale or expired.
  const MAX_AGE = 600n;

  beforeAll(async () => {
    const receipt = await sendAndConfirm(devnet.chainName, devnet.publicClient, () =>
      devnet.walletClient.deployContract({
        abi: exampleMarginProtocolAbi,
        bytecode: exampleMarginProtocolBytecode,
        args: [devnet.settlementSigner, MAX_AGE],
        account: devnet.deployer,
        chain: null,
      }),
    );
    protocol = getAddress(receipt.contractAddress ?? '0x');
  });

  async function statement(
    over: Partial<MarginStatementMessage> = {},
    key: Hex = DEVNET_SETTLEMENT_PRIVATE_KEY,
  ) {
    const now = (await devnet.publicClient.getBlock()).timestamp;
    const message: MarginStatementMessage = {
      account: alice,
      equity: 1_000n * USDC,
      initialRequirement: 400n * USDC,
      maintenanceRequirement: 200n * USDC,
      paramsVersion: 3n,
      asOf: now,
      expiresAt: now + 600n,
      ...over,
    };
    const signature = await privateKeyToAccount(key).signTypedData({
      domain: xmarginDomain(devnet.chainId, protocol),
      types: marginStatementTypes,
      primaryType: 'MarginStatement',
      message,
    });
    return { message, signature };
  }
  const open = (s: { message: MarginStatementMessage; signature: Hex }, margin: bigint, from = alice) =>
    revertOf(
      { address: protocol, abi: exampleMarginProtocolAbi },
      'openPosition',
      [s.message, s.signature, margin],
      from,
    );

  it('opens a position with a fresh statement whose initial excess covers it, once per statement', async () => {
    const s = await statement();
    expect(await open(s, 600n * USDC)).toBe('no revert');
    await sendAndConfirm(devnet.chainName, devnet.publicClient, () =>
      devnet.walletClient.writeContract({
        address: protocol,
        abi: exampleMarginProtocolAbi,
        functionName: 'openPosition',
        args: [s.message, s.signature, 600n * USDC],
        account: alice,
        chain: null,
        // A limit of our own: ganache estimates at the latest block's time, where the staleness check
        // stops at its first clause (asOf is that time); mined a second or more later (a loaded CI
        // machine) the second clause runs too, and the exact estimate ran out of gas.
        gas: 500_000n,
      }),
    );
    expect(
      await devnet.publicClient.readContract({
        address: protocol,
        abi: exampleMarginProtocolAbi,
        functionName: 'openPositions',
        args: [alice],
      }),
    ).toBe(1n);
    expect(await open(s, USDC)).toBe('StatementReused');
  });

  it('refuses a position larger than the initial excess', async () => {
    await devnet.increaseTime(1);
    expect(await open(await statement(), 600n * USDC + 1n)).toBe('InsufficientMargin');
    expect(await open(await statement({ equity: -1n }), 0n)).toBe('InsufficientMargin');
  });

  it('refuses stale, expired, tampered, foreign-signed and someone else’s statements', async () => {
    await devnet.increaseTime(1);
    const now = (await devnet.publicClient.getBlock()).timestamp;
    expect(await open(await statement({ asOf: now - MAX_AGE - 1n, expiresAt: now + 600n }), USDC)).toBe(
      'StatementTooOld',
    );
    expect(await open(await statement({ expiresAt: now - 1n }), USDC)).toBe('StatementExpired');
    const s = await statement();
    expect(await open({ ...s, message: { ...s.message, equity: s.message.equity * 10n } }, USDC)).toBe(
      'StatementSignerMismatch',
    );
    expect(await open(await statement({}, generatePrivateKey()), USDC)).toBe('StatementSignerMismatch');
    expect(await open(s, USDC, bob)).toBe('NotStatementAccount');
  });
});
