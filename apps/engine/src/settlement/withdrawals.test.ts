import { randomBytes } from 'node:crypto';
import {
  collateralVaultAbi,
  exampleMarginProtocolAbi,
  exampleMarginProtocolBytecode,
  withdrawalTypes,
} from '@xmargin/contracts';
import { accountId } from '@xmargin/core';
import { DEVNET_SETTLEMENT_PRIVATE_KEY, type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import {
  type Address,
  decodeErrorResult,
  encodeFunctionData,
  getAddress,
  type Hex,
  isHex,
  recoverTypedDataAddress,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../env.js';
import { createChainIndexer } from '../indexing/create-chain-indexer.js';
import { whatIf } from '../margin/what-if.js';
import { seedMarketAndAccount } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';
import { createVaultEventObserver } from './observe-vault-events.js';
import { settlementSettings } from './settlement-settings.js';
import { withdrawalRequestMessage } from './withdrawal-request-message.js';

const USDC = 1_000_000n;
// ganache's `deterministic` accounts derive from this mnemonic; ganache has no personal_sign, so the
// traders sign their requests locally with the same keys.
const GANACHE_MNEMONIC = 'myth like bonus scare over problem client lizard pioneer submit female collect';
const keyOf = (address: Address) => {
  for (let i = 0; i < 10; i++) {
    const account = mnemonicToAccount(GANACHE_MNEMONIC, { addressIndex: i });
    if (account.address === address) return account;
  }
  throw new Error(`no devnet key for ${address}`);
};
const FORCED_DELAY = 30n;
let devnet: EvmDevnet;
let t: TestEngine;
let protocolKey: string;
let networksJson: string;
let alice: Address;
let bob: Address;
let carol: Address;
let relayer: Address;
const ALICE = `acc_alice_${randomBytes(3).toString('hex')}`;
const CAROL = `acc_carol_${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  devnet = await startEvmDevnet({ forcedWithdrawalDelay: FORCED_DELAY });
  [, alice, bob, carol, relayer] = devnet.accounts as [Address, Address, Address, Address, Address];
  networksJson = JSON.stringify([
    {
      chain: devnet.chainName,
      rpcUrl: devnet.rpcUrl,
      vaults: [{ address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock.toString() }],
      tokens: { [devnet.token('USDC').address]: { asset: 'USDC', decimals: 6 } },
    },
  ]);
  t = await startTestEngine('settle', {
    env: { SETTLEMENT_PRIVATE_KEY: DEVNET_SETTLEMENT_PRIVATE_KEY, INDEX_NETWORKS: networksJson },
  });
  protocolKey = await t.key('protocol', 'proto_a');
  for (const [id, address] of [
    [ALICE, alice],
    [CAROL, carol],
  ] as const) {
    await seedMarketAndAccount(t, id);
    await t.engine.context.store.accounts.linkAddress({
      account: accountId(id),
      chain: 'evm',
      address: address.toLowerCase(),
    });
    await devnet.mint({ token: 'USDC', to: address, amount: 1_000n * USDC });
    await devnet.deposit({ from: address, token: 'USDC', amount: 1_000n * USDC });
  }
  await indexRound();
}, 120_000);

afterAll(async () => {
  await t?.close();
  await devnet?.stop();
});

/** One index-chain round as the worker runs it: balances, then the vault's settlement events. */
async function indexRound(): Promise<void> {
  const networks = loadEnv({ INDEX_NETWORKS: networksJson }).INDEX_NETWORKS;
  const indexer = createChainIndexer(t.engine.context, networks);
  try {
    await indexer.indexChain(devnet.chainName);
  } finally {
    await indexer.close();
  }
  await createVaultEventObserver(
    t.engine.context.store,
    settlementSettings(loadEnv({ INDEX_NETWORKS: networksJson })).networks,
  ).observe(devnet.chainName);
}

interface RequestOptions {
  readonly account?: string;
  readonly from?: Address;
  readonly signer?: Address;
  readonly amount: string;
  readonly to?: Address;
  readonly requestId?: string;
  readonly expiresAt?: number;
}

async function requestWithdrawal(o: RequestOptions) {
  const account = o.account ?? ALICE;
  const from = o.from ?? alice;
  const to = o.to ?? from;
  const requestId = o.requestId ?? randomBytes(8).toString('hex');
  const expiresAt = o.expiresAt ?? Math.floor(Date.now() / 1000) + 300;
  const message = withdrawalRequestMessage({
    accountId: account,
    chain: devnet.chainName,
    asset: 'USDC',
    amount: o.amount,
    from,
    to,
    requestId,
    expiresAt,
  });
  const signature = await keyOf(o.signer ?? from).signMessage({ message });
  const app = t.engine.app;
  if (!app) throw new Error('no app');
  return app.inject({
    method: 'POST',
    url: `/v1/accounts/${account}/withdrawals`,
    headers: bearer(protocolKey),
    payload: {
      chain: devnet.chainName,
      asset: 'USDC',
      amount: o.amount,
      address: from,
      to,
      requestId,
      expiresAt,
      signature,
    },
  });
}

async function openShortPerp(account: string, quantity: number) {
  const res = await t.engine.app?.inject({
    method: 'POST',
    url: `/v1/accounts/${account}/positions`,
    headers: bearer(protocolKey),
    payload: { positions: [{ id: 'hedge', type: 'perp', underlying: 'ETH', quantity, entryPrice: 2000 }] },
  });
  expect(res?.statusCode).toBe(200);
}

const excess = async (account: string) =>
  (
    await whatIf(t.engine.context, accountId(account), 'proto_a', {
      positions: { upsert: [], remove: [] },
      collateral: [],
    })
  ).current.initialExcess;

describe('POST /v1/accounts/:id/withdrawals', () => {
  it('authorises a covered withdrawal: the vault pays it, and it counts as withdrawn until indexed', async () => {
    const before = await excess(ALICE);
    const res = await requestWithdrawal({ amount: '100' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ accountId: ALICE, chain: devnet.chainName, asset: 'USDC', amount: '100' });
    expect(body.typedData.domain).toEqual({
      name: 'xmargin',
      version: '1',
      chainId: devnet.chainId,
      verifyingContract: devnet.contracts.vault,
    });
    const message = {
      account: getAddress(body.typedData.message.account),
      token: getAddress(body.typedData.message.token),
      amount: BigInt(body.typedData.message.amount),
      to: getAddress(body.typedData.message.to),
      nonce: BigInt(body.typedData.message.nonce),
      deadline: BigInt(body.typedData.message.deadline),
    };
    expect(message).toMatchObject({ account: alice, amount: 100n * USDC, to: alice });
    expect(
      await recoverTypedDataAddress({
        domain: body.typedData.domain,
        types: withdrawalTypes,
        primaryType: 'Withdrawal',
        message,
        signature: body.signature,
      }),
    ).toBe(devnet.settlementSigner);
    // Reserved at once: the margin already counts it as gone.
    expect(await excess(ALICE)).toBeCloseTo(before - 100, 6);
    const listed = await t.engine.context.store.balances.listByAccount(accountId(ALICE));
    expect(listed.map((b) => [b.amount, b.reserved])).toEqual([[900n * USDC, 100n * USDC]]);
    // Anyone may submit it; the vault pays the signed recipient.
    await devnet.submitWithdrawal({ from: relayer, message, signature: body.signature as Hex });
    expect(await devnet.vaultBalance(alice, 'USDC')).toBe(900n * USDC);
    await indexRound();
    const after = await t.engine.context.store.balances.listByAccount(accountId(ALICE));
    expect(after.map((b) => [b.amount, b.reserved])).toEqual([[900n * USDC, 0n]]);
    expect(await t.engine.context.store.withdrawalReservations.listOpen(accountId(ALICE))).toEqual([]);
    expect(await excess(ALICE)).toBeCloseTo(before - 100, 6);
  });

  it('refuses a withdrawal the margin needs, with the largest amount that passes, which then passes', async () => {
    await openShortPerp(ALICE, -0.5);
    const all = await requestWithdrawal({ amount: '900' });
    expect(all.statusCode, all.body).toBe(422);
    const err = all.json().error;
    expect(err.code).toBe('SETTLEMENT__WITHDRAWAL_REFUSED');
    expect(err.context).toMatchObject({
      reason: 'margin',
      chain: devnet.chainName,
      asset: 'USDC',
      requested: '900',
    });
    expect(err.context.initialExcessAfter).toBeLessThan(0);
    const max = err.context.maxAmount as string;
    expect(Number(max)).toBeGreaterThan(0);
    expect(Number(max)).toBeLessThan(900);
    const ok = await requestWithdrawal({ amount: max });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().initialExcessAfter).toBeGreaterThanOrEqual(0);
    expect(await excess(ALICE)).toBeGreaterThanOrEqual(0);
    expect(await excess(ALICE)).toBeLessThan(0.000_01);
    const more = await requestWithdrawal({ amount: '0.000001' });
    expect(more.statusCode).toBe(422);
    expect(more.json().error.context).toMatchObject({ reason: 'margin', maxAmount: '0' });
  });

  it('refuses more than the vault balance (reason balance), a foreign signer, an expired or reused request', async () => {
    const tooMuch = await requestWithdrawal({ account: CAROL, from: carol, amount: '1000.000001' });
    expect(tooMuch.json().error).toMatchObject({
      code: 'SETTLEMENT__WITHDRAWAL_REFUSED',
      context: { reason: 'balance', maxAmount: '1000' },
    });
    const forged = await requestWithdrawal({ account: CAROL, from: carol, signer: bob, amount: '1' });
    expect(forged.json().error.code).toBe('SETTLEMENT__REQUEST_INVALID');
    const notLinked = await requestWithdrawal({ account: CAROL, from: bob, amount: '1' });
    expect(notLinked.json().error.code).toBe('SETTLEMENT__REQUEST_INVALID');
    const expired = await requestWithdrawal({
      account: CAROL,
      from: carol,
      amount: '1',
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    expect(expired.json().error.code).toBe('SETTLEMENT__REQUEST_INVALID');
    const first = await requestWithdrawal({
      account: CAROL,
      from: carol,
      amount: '1',
      requestId: 'same-request-1',
    });
    expect(first.statusCode).toBe(201);
    const replay = await requestWithdrawal({
      account: CAROL,
      from: carol,
      amount: '1',
      requestId: 'same-request-1',
    });
    expect(replay.statusCode).toBe(422);
    expect(replay.json().error.code).toBe('SETTLEMENT__REQUEST_INVALID');
  });

  it('serialises concurrent requests: 20 at once never authorise more than the margin allows', async () => {
    await openShortPerp(CAROL, -0.5);
    const probe = await requestWithdrawal({ account: CAROL, from: carol, amount: '999' });
    expect(probe.statusCode).toBe(422);
    const max = Number(probe.json().error.context.maxAmount as string);
    expect(max).toBeGreaterThan(100);
    expect(max).toBeLessThan(999);
    const each = 50;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        requestWithdrawal({ account: CAROL, from: carol, amount: String(each) }),
      ),
    );
    const passed = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode === 422);
    expect(passed.length + refused.length).toBe(20);
    expect(passed.length * each).toBeLessThanOrEqual(max);
    // Serialised, so every request passes while the margin still covers one more: exactly floor(max / each).
    expect(passed.length).toBe(Math.floor(max / each));
    for (const r of refused) expect(r.json().error.code).toBe('SETTLEMENT__WITHDRAWAL_REFUSED');
    expect(await excess(CAROL)).toBeGreaterThanOrEqual(0);
    const open = await t.engine.context.store.withdrawalReservations.listOpen(accountId(CAROL));
    expect(open.reduce((s, r) => s + r.amount, 0n)).toBe(BigInt(passed.length * each) * USDC + USDC);
  }, 120_000);
});

describe('GET /v1/accounts/:id/margin/statement', () => {
  let protocol: Address;
  beforeAll(async () => {
    const hash = await devnet.walletClient.deployContract({
      abi: exampleMarginProtocolAbi,
      bytecode: exampleMarginProtocolBytecode,
      args: [devnet.settlementSigner, 120n],
      account: devnet.deployer,
      chain: null,
    });
    const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    protocol = getAddress(receipt.contractAddress ?? '0x');
  });

  async function statement() {
    const res = await t.engine.app?.inject({
      method: 'GET',
      url: `/v1/accounts/${CAROL}/margin/statement?chainId=${devnet.chainId}&verifyingContract=${protocol}`,
      headers: bearer(protocolKey),
    });
    expect(res?.statusCode, res?.body).toBe(200);
    return res?.json();
  }
  const args = (
    s: { typedData: { message: Record<string, string> }; signature: Hex },
    over: Record<string, bigint> = {},
  ) => [
    {
      account: getAddress(s.typedData.message.account as string),
      equity: BigInt(s.typedData.message.equity as string),
      initialRequirement: BigInt(s.typedData.message.initialRequirement as string),
      maintenanceRequirement: BigInt(s.typedData.message.maintenanceRequirement as string),
      paramsVersion: BigInt(s.typedData.message.paramsVersion as string),
      asOf: BigInt(s.typedData.message.asOf as string),
      expiresAt: BigInt(s.typedData.message.expiresAt as string),
      ...over,
    },
    s.signature,
  ];
  const open = (statementArgs: unknown[], margin: bigint) =>
    devnet.publicClient
      .call({
        account: carol,
        to: protocol,
        data: encodeFunctionData({
          abi: exampleMarginProtocolAbi,
          functionName: 'openPosition',
          args: [...statementArgs, margin] as never,
        }),
      })
      .then(
        () => 'ok',
        (e: unknown) => {
          // The devnet's viem is another copy than ours (instanceof fails): follow the causes by hand.
          let cur = e as { data?: unknown; cause?: unknown } | undefined;
          while (cur && !isHex(cur.data)) cur = cur.cause as typeof cur;
          const data = cur?.data as Hex | undefined;
          if (!data) throw e;
          return decodeErrorResult({ abi: exampleMarginProtocolAbi, data }).errorName;
        },
      );

  it('is signed by the settlement key over the unified margin, net of reservations, and the example contract accepts it fresh', async () => {
    const s = await statement();
    expect(s.signer).toBe(devnet.settlementSigner);
    expect(s.decimals).toBe(6);
    const m = s.typedData.message;
    expect(m.account).toBe(carol);
    const current = await whatIf(t.engine.context, accountId(CAROL), 'proto_a', {
      positions: { upsert: [], remove: [] },
      collateral: [],
    });
    expect(Number(m.equity) / 1e6).toBeCloseTo(current.current.equity, 5);
    expect(Number(m.initialRequirement) / 1e6).toBeCloseTo(current.current.initialRequirement, 5);
    const initialExcess = BigInt(m.equity) - BigInt(m.initialRequirement);
    expect(await open(args(s), initialExcess > 0n ? initialExcess : 0n)).toBe('ok');
  });

  it('is rejected by the example contract when tampered or stale', async () => {
    const s = await statement();
    expect(await open(args(s, { equity: BigInt(s.typedData.message.equity) + 1_000_000n * USDC }), 0n)).toBe(
      'StatementSignerMismatch',
    );
    expect(await open(args(s), 0n)).toBe('ok');
    await devnet.increaseTime(121);
    expect(await open(args(s), 0n)).toMatch(/^Statement(TooOld|Expired)$/);
  });
});

describe('forced withdrawals', () => {
  it('count as withdrawn as soon as requested on chain, until the forced debit is indexed', async () => {
    const before = await excess(CAROL);
    const balanceBefore =
      (await t.engine.context.store.balances.listByAccount(accountId(CAROL)))[0]?.amount ?? 0n;
    await devnet.requestForcedWithdrawal({ from: carol, token: 'USDC', amount: 10n * USDC });
    await indexRound();
    const open = await t.engine.context.store.withdrawalReservations.listOpen(accountId(CAROL));
    expect(open.filter((r) => r.kind === 'forced').map((r) => r.amount)).toEqual([10n * USDC]);
    expect(await excess(CAROL)).toBeCloseTo(before - 10, 6);
    const listed = await t.engine.context.store.balances.listByAccount(accountId(CAROL));
    expect(listed[0]?.amount).toBe(balanceBefore - 10n * USDC);
    await devnet.increaseTime(Number(FORCED_DELAY) + 1);
    await devnet.executeForcedWithdrawal({ from: carol, token: 'USDC' });
    await indexRound();
    expect(
      (await t.engine.context.store.withdrawalReservations.listOpen(accountId(CAROL))).filter(
        (r) => r.kind === 'forced',
      ),
    ).toEqual([]);
    expect((await t.engine.context.store.balances.listByAccount(accountId(CAROL)))[0]?.amount).toBe(
      balanceBefore - 10n * USDC,
    );
    expect(
      await devnet.publicClient.readContract({
        address: devnet.contracts.vault,
        abi: collateralVaultAbi,
        functionName: 'balanceOf',
        args: [carol, devnet.token('USDC').address],
      }),
    ).toBe(1_000n * USDC - 10n * USDC);
  });
});
