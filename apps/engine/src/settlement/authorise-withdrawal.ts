import type { AuthorisationMessage } from '@xmargin/contracts';
import {
  type AccountId,
  amount,
  formatAmount,
  parseAmount,
  solanaAddress,
  solanaToUniversal,
  universalAddress,
} from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { Store, StoreRepositories } from '@xmargin/store';
import { type Address, getAddress, type Hex } from 'viem';
import { normalizeAddress } from '../accounts/normalize-address.js';
import { verifyAddressSignature } from '../accounts/verify-address-signature.js';
import type { EngineContext } from '../context.js';
import { assertWithdrawalAllowed } from '../liquidation/withdrawal-guard.js';
import { dedupeVaultBalances } from '../margin/build-document.js';
import { whatIf } from '../margin/what-if.js';
import type { SettlementSettings } from './settlement-settings.js';
import type { SettlementSigner, SettlementVault } from './settlement-signer.js';
import type { SolanaEscrows } from './solana-escrows.js';
import { withdrawalRequestMessage } from './withdrawal-request-message.js';

/** How far ahead a signed request may expire: a leaked request signature is useless soon after. */
const MAX_REQUEST_LIFETIME_SECONDS = 600;
/** Bisection steps for the largest passing amount (2^-64 of the balance: exact for any token). */
const MAX_BISECTION_STEPS = 64;

export interface WithdrawalRequest {
  readonly chain: string;
  readonly asset: string;
  readonly amount: string;
  readonly address: string;
  readonly to?: string | undefined;
  readonly requestId: string;
  readonly expiresAt: number;
  readonly signature: string;
}

export interface AuthorisedWithdrawal {
  readonly accountId: AccountId;
  readonly withdrawalId: bigint;
  readonly vault: SettlementVault;
  readonly asset: string;
  readonly amount: string;
  readonly message: AuthorisationMessage;
  readonly signature: Hex;
  readonly reservedUntil: number;
  readonly initialExcessAfter: number;
}

/** A Solana escrow withdrawal the engine executed (an SPL transfer out of the account's escrow). */
export interface ExecutedSolanaWithdrawal {
  readonly accountId: AccountId;
  readonly withdrawalId: bigint;
  readonly chain: string;
  readonly asset: string;
  readonly amount: string;
  readonly transfer: { signature: string; slot: bigint; from: string; to: string };
  readonly initialExcessAfter: number;
}

export interface SettlementDeps {
  readonly settings: SettlementSettings;
  readonly signer: SettlementSigner;
  readonly escrows: SolanaEscrows;
}

function invalid(reason: string): AppError {
  return new AppError('SETTLEMENT__REQUEST_INVALID', { context: { reason }, shortMessage: reason });
}

/** Proves the request comes from the collateral's owner, who has linked `from` to this account. */
async function checkOwnership(
  ctx: EngineContext,
  id: AccountId,
  req: WithdrawalRequest,
  platform: 'evm' | 'solana',
  from: string,
  to: string,
) {
  const now = Math.floor(ctx.now() / 1000);
  if (req.expiresAt <= now) throw invalid('the signed request has expired');
  if (req.expiresAt > now + MAX_REQUEST_LIFETIME_SECONDS)
    throw invalid(`the signed request must expire within ${MAX_REQUEST_LIFETIME_SECONDS} seconds`);
  const owner = await ctx.store.accounts.findByAddress(platform, from);
  if (owner !== id) throw invalid(`address ${from} is not linked to account ${id}`);
  const message = withdrawalRequestMessage({ ...req, accountId: id, from, to });
  if (!(await verifyAddressSignature({ chain: platform, address: from, message, signature: req.signature })))
    throw invalid(`signature is not ${from}'s over the withdrawal request`);
}

function parseRaw(req: WithdrawalRequest, decimals: number): bigint {
  let raw: bigint;
  try {
    raw = parseAmount(req.amount, decimals, 'exact').raw;
  } catch {
    throw invalid(`amount ${req.amount} has more than ${decimals} decimals`);
  }
  if (raw <= 0n) throw invalid('amount must be positive');
  return raw;
}

/** Where the withdrawn collateral sits (the escrowed balance) and where it goes. */
interface WithdrawalTarget {
  /** Holder of the escrowed balance, universal form (vault account, or the Solana escrow authority). */
  readonly holder: string;
  /** Token or mint, universal form. */
  readonly token: string;
  readonly decimals: number;
  readonly recipient: string;
  /** Names the balance in a refusal. */
  readonly describe: string;
}

/**
 * Authorises a withdrawal when the account's unified margin stays covered after it (see
 * {@link reserveWithdrawal}). From an EVM vault the engine signs the EIP-712 Withdrawal with the
 * settlement key (its nonce is the reservation id) and the trader submits it; from a Solana escrow the
 * engine itself sends the SPL transfer, signed by the escrow authority, and records the slot it
 * executed in. A refusal carries the largest amount that would pass now.
 */
export async function authoriseWithdrawal(
  ctx: EngineContext,
  deps: SettlementDeps,
  id: AccountId,
  req: WithdrawalRequest,
): Promise<AuthorisedWithdrawal | ExecutedSolanaWithdrawal> {
  await ctx.store.accounts.require(id);
  if (deps.escrows.has(req.chain)) return executeSolanaWithdrawal(ctx, deps, id, req);
  const from = normalizeAddress('evm', req.address);
  const to = normalizeAddress('evm', req.to ?? req.address);
  await checkOwnership(ctx, id, req, 'evm', from, to);
  const vault = await deps.signer.vault(req.chain);
  const token = vault.token(req.asset);
  if (!token) throw invalid(`asset ${req.asset} is not a collateral token on ${req.chain}`);
  const raw = parseRaw(req, token.decimals);
  const reserved = await reserveWithdrawal(ctx, deps.settings, id, req, raw, {
    holder: universalAddress(from),
    token: universalAddress(token.address.toLowerCase()),
    decimals: token.decimals,
    recipient: to,
    describe: `The vault holds %s ${req.asset} for ${from} on ${req.chain}`,
  });

  const message: AuthorisationMessage = {
    account: getAddress(from) as Address,
    token: token.address,
    amount: raw,
    to: getAddress(to) as Address,
    nonce: reserved.reservation.id,
    deadline: reserved.reservation.deadline,
  };
  const signature = await deps.signer.signWithdrawal(vault, message);
  // The reservation already counts as withdrawn: the account's shard owner republishes its margin.
  await ctx.shardEvents.accountsChanged([id], ctx.now());
  return {
    accountId: id,
    withdrawalId: reserved.reservation.id,
    vault,
    asset: req.asset,
    amount: formatAmount(amount(raw, token.decimals)),
    message,
    signature,
    reservedUntil: Math.floor(reserved.reservation.expiresAt.getTime() / 1000),
    initialExcessAfter: reserved.after,
  };
}

/**
 * A withdrawal from the account's Solana escrow, signed by a linked wallet: the same margin check and
 * reservation as a vault withdrawal, then the engine sends TransferChecked from the escrow to `to` (a
 * token account; default the wallet's associated one). A transfer the chain refuses releases the
 * reservation (SETTLEMENT__TRANSFER_FAILED); one whose fate is unknown (RPC failure) keeps it until it
 * expires or the indexer sees the debit.
 */
async function executeSolanaWithdrawal(
  ctx: EngineContext,
  deps: SettlementDeps,
  id: AccountId,
  req: WithdrawalRequest,
): Promise<ExecutedSolanaWithdrawal> {
  const from = normalizeAddress('solana', req.address);
  const { mint, decimals } = deps.escrows.token(req.chain, req.asset);
  const client = deps.escrows.client(req.chain);
  const escrow = await ctx.store.solanaEscrows.find(id, req.chain, mint);
  if (!escrow) throw invalid(`account ${id} has no ${req.asset} escrow on ${req.chain}`);
  if (escrow.authority !== client.authority.toBase58())
    throw invalid(`the ${req.asset} escrow of ${id} belongs to another escrow authority`);
  const to =
    req.to === undefined ? await client.walletTokenAccount(from, mint) : normalizeAddress('solana', req.to);
  await checkOwnership(ctx, id, req, 'solana', from, to);
  const raw = parseRaw(req, decimals);
  const holder = solanaToUniversal(solanaAddress(escrow.authority));
  const reserved = await reserveWithdrawal(ctx, deps.settings, id, req, raw, {
    holder,
    token: solanaToUniversal(solanaAddress(mint)),
    decimals,
    recipient: to,
    describe: `The escrow ${escrow.tokenAccount} holds %s ${req.asset} on ${req.chain}`,
  });
  let sent: { signature: string; slot: bigint };
  try {
    sent = await client.transfer({ account: id, mint, destination: to, amount: raw, decimals });
  } catch (err) {
    if (err instanceof AppError && err.code === 'SETTLEMENT__TRANSFER_FAILED') {
      await ctx.store.withdrawalReservations.release(reserved.reservation.id);
      await ctx.shardEvents.accountsChanged([id], ctx.now());
    }
    throw err;
  }
  await ctx.store.withdrawalReservations.markExecuted({
    chain: req.chain,
    holder,
    id: reserved.reservation.id,
    height: sent.slot,
  });
  await ctx.shardEvents.accountsChanged([id], ctx.now());
  return {
    accountId: id,
    withdrawalId: reserved.reservation.id,
    chain: req.chain,
    asset: req.asset,
    amount: formatAmount(amount(raw, decimals)),
    transfer: { signature: sent.signature, slot: sent.slot, from: escrow.tokenAccount, to },
    initialExcessAfter: reserved.after,
  };
}

/**
 * The decision both kinds of withdrawal share: under a per-account database lock (two requests are
 * never checked against the same margin), the what-if path must leave `initialExcess >= 0` with the
 * amount gone, and the escrowed balance (net of earlier reservations) must hold it. The amount is then
 * reserved in the ledger, which every margin read counts as withdrawn.
 */
async function reserveWithdrawal(
  ctx: EngineContext,
  settings: SettlementSettings,
  id: AccountId,
  req: WithdrawalRequest,
  raw: bigint,
  target: WithdrawalTarget,
) {
  const fmt = (x: bigint) => formatAmount(amount(x, target.decimals));
  // Read before the transaction: inside it, the decision may use only its own connection. Requests
  // queued on the lock each hold a pooled connection; if the lock holder needed another one (a cache
  // miss of the shared inputs), a burst of requests on one account would exhaust the pool and deadlock.
  const shared = await ctx.globalInputs.get();
  return ctx.store.transaction(async (tx) => {
    await tx.withdrawalReservations.lockAccount(id);
    // Spec section 4: none while an auction is open on the account or insolvent auctions exceed the fund.
    await assertWithdrawalAllowed(tx, id);
    const txCtx: EngineContext = {
      ...ctx,
      store: { ...ctx.store, ...tx } as Store,
      globalInputs: { ...ctx.globalInputs, get: async () => shared },
    };
    const available = await vaultBalance(tx, id, req.chain, req.asset, target.holder);
    const excessAfter = async (x: bigint): Promise<number> => {
      if (x === 0n) return (await evaluate(txCtx, id, req, '0')).current.initialExcess;
      return (await evaluate(txCtx, id, req, `-${fmt(x)}`)).proposed.initialExcess;
    };
    const after = raw <= available ? await excessAfter(raw) : null;
    if (after === null || after < 0) {
      const max = await largestPassing(excessAfter, raw <= available ? raw : available);
      throw new AppError('SETTLEMENT__WITHDRAWAL_REFUSED', {
        context: {
          reason: after === null ? 'balance' : 'margin',
          chain: req.chain,
          asset: req.asset,
          requested: req.amount,
          maxAmount: fmt(max),
          initialExcessAfter: after,
        },
        shortMessage:
          after === null
            ? `${target.describe.replace('%s', fmt(available))} (net of pending withdrawals); at most ${fmt(max)} may leave`
            : `Withdrawing ${req.amount} ${req.asset} leaves an initial excess of ${after}; at most ${fmt(max)} may leave`,
      });
    }
    const nowSeconds = Math.floor(ctx.now() / 1000);
    const deadline = BigInt(nowSeconds + settings.authorisationTtlSeconds);
    const expiresAt = new Date((Number(deadline) + settings.reservationGraceSeconds) * 1000);
    try {
      const reservation = await tx.withdrawalReservations.create({
        account: id,
        kind: 'authorised',
        chain: req.chain,
        asset: req.asset,
        holder: target.holder,
        token: target.token,
        amount: raw,
        recipient: target.recipient,
        deadline,
        expiresAt,
        requestKey: `request:${req.requestId}`,
      });
      return { reservation, after };
    } catch (err) {
      if (err instanceof AppError && err.code === 'LEDGER__CONFLICT')
        throw invalid(`request ${req.requestId} was already used`);
      throw err;
    }
  });
}

/** The escrowed balance of one holder, net of open reservations (the later of the indexer and VAA views). */
async function vaultBalance(
  tx: StoreRepositories,
  id: AccountId,
  chain: string,
  asset: string,
  holder: string,
): Promise<bigint> {
  const rows = (await tx.balances.listByAccount(id)).filter(
    (b) => b.chain === chain && b.asset === asset && b.holder === holder && b.trust === 'escrowed',
  );
  return dedupeVaultBalances(rows).reduce((sum, b) => sum + b.amount, 0n);
}

function evaluate(ctx: EngineContext, id: AccountId, req: WithdrawalRequest, delta: string) {
  return whatIf(
    ctx,
    id,
    'settlement',
    {
      positions: { upsert: [], remove: [] },
      collateral: delta === '0' ? [] : [{ asset: req.asset, chain: req.chain, delta }],
    },
    // A withdrawal names a vault balance the ledger holds, accepted collateral or not.
    { checkCollateral: false },
  );
}

/**
 * Largest x in [0, upper] with excessAfter(x) >= 0 (the excess only falls as more collateral leaves),
 * 0 when even nothing passes.
 */
async function largestPassing(excessAfter: (x: bigint) => Promise<number>, upper: bigint): Promise<bigint> {
  if (upper <= 0n || (await excessAfter(0n)) < 0) return 0n;
  if ((await excessAfter(upper)) >= 0) return upper;
  let lo = 0n;
  let hi = upper;
  for (let i = 0; i < MAX_BISECTION_STEPS && hi - lo > 1n; i++) {
    const mid = (lo + hi) / 2n;
    if ((await excessAfter(mid)) >= 0) lo = mid;
    else hi = mid;
  }
  return lo;
}
