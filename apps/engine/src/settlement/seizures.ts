import type { AccountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import type { SettlementInstructionRecord, Store } from '@xmargin/store';
import { type Address, getAddress } from 'viem';
import type { SettlementDeps } from './settlement-signer.js';

/**
 * Seize nonces: 2^254 + the instruction id. The vault's nonce space is per account and shared with
 * Withdrawals, whose nonces are reservation ids (counted from 1); the devnet's own draw from 2^255.
 * Deterministic, so a re-signed Seize (after its deadline) keeps its nonce and can execute only once.
 */
export const SEIZE_NONCE_BASE = 1n << 254n;
export const seizeNonce = (instructionId: bigint): bigint => SEIZE_NONCE_BASE + instructionId;

/** The EVM address of a universal (32-byte) vault holder, or null for a non-EVM one. */
function evmHolder(holder: string): string | null {
  const h = holder.toLowerCase();
  if (/^0x[0-9a-f]{40}$/.test(h)) return h;
  return /^0x0{24}[0-9a-f]{40}$/.test(h) ? `0x${h.slice(26)}` : null;
}

export interface SeizureDeps {
  readonly store: Store;
  /** Unix milliseconds. */
  readonly now: () => number;
  /** The settlement key (throws SETTLEMENT__NOT_CONFIGURED without one). */
  readonly settlement: () => SettlementDeps;
}

/**
 * Signs the EIP-712 `Seize` of every pending vault-escrowed settlement instruction that has none (or whose
 * deadline passed): {account: the vault account seized from, token, amount = the instruction's
 * floor(p·raw), to: the bidder account's first linked EVM address, nonce, deadline = now + the
 * authorisation TTL}. Run after each accepted bid and on each sweep tick; an instruction whose bidder has
 * no linked EVM address, or whose chain has no configured vault, waits for the next tick. Returns the
 * instructions signed.
 */
export async function authoriseSeizures(
  deps: SeizureDeps,
  opts: { auctionId?: string } = {},
): Promise<SettlementInstructionRecord[]> {
  const now = Math.floor(deps.now() / 1000);
  const todo = await deps.store.liquidations.seizuresToAuthorise({
    now,
    ...(opts.auctionId === undefined ? {} : { auctionId: opts.auctionId }),
  });
  if (todo.length === 0) return [];
  let s: SettlementDeps;
  try {
    s = deps.settlement();
  } catch (err) {
    if (isAppError(err) && err.code === 'SETTLEMENT__NOT_CONFIGURED') return [];
    throw err;
  }
  const recipients = new Map<AccountId, string | null>();
  const signed: SettlementInstructionRecord[] = [];
  for (const i of todo) {
    const from = evmHolder(i.holder);
    if (!from) continue;
    let to = recipients.get(i.toAccount);
    if (to === undefined) {
      to = (await deps.store.accounts.addresses(i.toAccount)).find((a) => a.chain === 'evm')?.address ?? null;
      recipients.set(i.toAccount, to);
    }
    if (!to) continue;
    const vault = await s.signer.vault(i.chain).catch((err: unknown) => {
      if (isAppError(err) && err.code === 'SETTLEMENT__NOT_CONFIGURED') return null;
      throw err;
    });
    const token = vault?.token(i.asset);
    if (!vault || !token) continue;
    const message = {
      account: getAddress(from) as Address,
      token: token.address,
      amount: i.amountRaw,
      to: getAddress(to) as Address,
      nonce: seizeNonce(i.id),
      deadline: BigInt(now + s.settings.authorisationTtlSeconds),
    };
    const signature = await s.signer.signSeize(vault, message);
    const row = await deps.store.liquidations.authoriseSeizure(i.id, {
      vault: vault.vault,
      chainId: vault.chainId,
      token: token.address,
      fromAddress: from,
      recipient: message.to,
      nonce: message.nonce,
      deadline: message.deadline,
      signature,
    });
    if (row) signed.push(row);
  }
  return signed;
}
