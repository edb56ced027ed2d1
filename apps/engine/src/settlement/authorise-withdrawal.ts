import type { AuthorisationMessage } from '@xmargin/contracts';
import { type AccountId, amount, formatAmount, parseAmount, universalAddress } from '@xmargin/core';
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

function invalid(reason: string): AppError {
  return new AppError('SETTLEMENT__REQUEST_INVALID', { context: { reason }, shortMessage: reason });
}

/** Proves the request comes from the vault account's owner, who has linked it to this account. */
async function checkOwnership(
  ctx: EngineContext,
  id: AccountId,
  req: WithdrawalRequest,
  from: string,
  to: string,
) {
  const now = Math.floor(ctx.now() / 1000);
  if (req.expiresAt <= now) throw invalid('the signed request has expired');
  if (req.expiresAt > now + MAX_REQUEST_LIFETIME_SECONDS)
    throw invalid(`the signed request must expire within ${MAX_REQUEST_LIFETIME_SECONDS} seconds`);
  const owner = await ctx.store.accounts.findByAddress('evm', from);
  if (owner !== id) throw invalid(`address ${from} is not linked to account ${id}`);
  const message = withdrawalRequestMessage({ ...req, accountId: id, from, to });
  if (!(await verifyAddressSignature({ chain: 'evm', address: from, message, signature: req.signature })))
    throw invalid(`signature is not ${from}'s over the withdrawal request`);
}

/**
 * Authorises a withdrawal from a vault when the account's unified margin stays covered after it:
 * under a per-account database lock (two requests are never checked against the same margin), the
 * what-if path must leave `initialExcess >= 0` with the amount gone, and the vault balance (net of
 * earlier reservations) must hold it. The amount is then reserved in the ledger, which every margin
 * read counts as withdrawn, and the EIP-712 Withdrawal is signed with the settlement key; its nonce is
 * the reservation id. A refusal carries the largest amount that would pass now.
 */
export async function authoriseWithdrawal(
  ctx: EngineContext,
  deps: { settings: SettlementSettings; signer: SettlementSigner },
  id: AccountId,
  req: WithdrawalRequest,
): Promise<AuthorisedWithdrawal> {
  await ctx.store.accounts.require(id);
  const from = normalizeAddress('evm', req.address);
  const to = normalizeAddress('evm', req.to ?? req.address);
  await checkOwnership(ctx, id, req, from, to);
  const vault = await deps.signer.vault(req.chain);
  const token = vault.token(req.asset);
  if (!token) throw invalid(`asset ${req.asset} is not a collateral token on ${req.chain}`);
  let raw: bigint;
  try {
    raw = parseAmount(req.amount, token.decimals, 'exact').raw;
  } catch {
    throw invalid(`amount ${req.amount} has more than ${token.decimals} decimals`);
  }
  if (raw <= 0n) throw invalid('amount must be positive');
  const holder = universalAddress(from);
  const tokenUniversal = universalAddress(token.address.toLowerCase());
  const fmt = (x: bigint) => formatAmount(amount(x, token.decimals));

  // Read before the transaction: inside it, the decision may use only its own connection. Requests
  // queued on the lock each hold a pooled connection; if the lock holder needed another one (a cache
  // miss of the shared inputs), a burst of requests on one account would exhaust the pool and deadlock.
  const shared = await ctx.globalInputs.get();
  const reserved = await ctx.store.transaction(async (tx) => {
    await tx.withdrawalReservations.lockAccount(id);
    // Spec section 4: none while an auction is open on the account or insolvent auctions exceed the fund.
    await assertWithdrawalAllowed(tx, id);
    const txCtx: EngineContext = {
      ...ctx,
      store: { ...ctx.store, ...tx } as Store,
      globalInputs: { ...ctx.globalInputs, get: async () => shared },
    };
    const available = await vaultBalance(tx, id, req.chain, req.asset, holder);
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
            ? `The vault holds ${fmt(available)} ${req.asset} for ${from} on ${req.chain} (net of pending withdrawals); at most ${fmt(max)} may leave`
            : `Withdrawing ${req.amount} ${req.asset} leaves an initial excess of ${after}; at most ${fmt(max)} may leave`,
      });
    }
    const nowSeconds = Math.floor(ctx.now() / 1000);
    const deadline = BigInt(nowSeconds + deps.settings.authorisationTtlSeconds);
    const expiresAt = new Date((Number(deadline) + deps.settings.reservationGraceSeconds) * 1000);
    try {
      const reservation = await tx.withdrawalReservations.create({
        account: id,
        kind: 'authorised',
        chain: req.chain,
        asset: req.asset,
        holder,
        token: tokenUniversal,
        amount: raw,
        recipient: to,
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
    amount: fmt(raw),
    message,
    signature,
    reservedUntil: Math.floor(reserved.reservation.expiresAt.getTime() / 1000),
    initialExcessAfter: reserved.after,
  };
}

/** The vault balance of one holder, net of open reservations (the later of the indexer and VAA views). */
async function vaultBalance(
  tx: StoreRepositories,
  id: AccountId,
  chain: string,
  asset: string,
  holder: string,
): Promise<bigint> {
  const rows = (await tx.balances.listByAccount(id)).filter(
    (b) => b.chain === chain && b.asset === asset && b.holder === holder && b.source !== 'query',
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
