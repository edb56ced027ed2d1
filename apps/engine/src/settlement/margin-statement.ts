import type { MarginStatementMessage } from '@xmargin/contracts';
import { type AccountId, amountFromNumber } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { computeMargin } from '@xmargin/risk';
import { type Address, getAddress, type Hex } from 'viem';
import { normalizeAddress } from '../accounts/normalize-address.js';
import type { EngineContext } from '../context.js';
import { buildMarginDocument } from '../margin/build-document.js';
import { loadMarginInputs } from '../margin/load-margin-inputs.js';
import { summarize } from '../margin/snapshot.js';
import type { SettlementSettings } from './settlement-settings.js';
import type { SettlementSigner } from './settlement-signer.js';

export interface MarginStatementRequest {
  readonly chainId: number;
  readonly verifyingContract: string;
  readonly address?: string | undefined;
}

export interface SignedMarginStatement {
  readonly accountId: AccountId;
  readonly domain: { readonly chainId: number; readonly verifyingContract: Address };
  readonly message: MarginStatementMessage;
  readonly decimals: number;
  readonly signature: Hex;
  readonly signer: Address;
}

/**
 * The account's unified margin computed now from the ledger (open withdrawal reservations included), as
 * an EIP-712 MarginStatement signed by the settlement key for one consuming contract. Amounts become
 * fixed-point integers with the stable's decimals, rounded against the account: equity down,
 * requirements up.
 */
export async function signMarginStatement(
  ctx: EngineContext,
  deps: { settings: SettlementSettings; signer: SettlementSigner },
  id: AccountId,
  req: MarginStatementRequest,
): Promise<SignedMarginStatement> {
  await ctx.store.accounts.require(id);
  const linked = (await ctx.store.accounts.addresses(id))
    .filter((a) => a.chain === 'evm')
    .map((a) => a.address);
  const address = req.address === undefined ? linked[0] : normalizeAddress('evm', req.address);
  if (address === undefined || !linked.includes(address)) {
    throw new AppError('SETTLEMENT__REQUEST_INVALID', {
      context: {
        reason:
          address === undefined
            ? `account ${id} has no linked EVM address to name in a statement`
            : `address ${address} is not linked to account ${id}`,
      },
    });
  }
  const inputs = await loadMarginInputs(ctx.store, id, ctx.globalInputs.get);
  const asOf = Math.floor(ctx.now() / 1000);
  const summary = summarize(computeMargin(buildMarginDocument({ ...inputs, asOf }).document));
  const d = deps.settings.stableDecimals;
  const fixed = (x: number, rounding: 'floor' | 'ceil') => amountFromNumber(x, d, rounding).raw;
  const message: MarginStatementMessage = {
    account: getAddress(address),
    equity: fixed(summary.equity, 'floor'),
    initialRequirement: fixed(Math.max(0, summary.initialRequirement), 'ceil'),
    maintenanceRequirement: fixed(Math.max(0, summary.maintenanceRequirement), 'ceil'),
    paramsVersion: BigInt(inputs.paramsVersion ?? 0),
    asOf: BigInt(asOf),
    expiresAt: BigInt(asOf + deps.settings.statementTtlSeconds),
  };
  const domain = { chainId: req.chainId, verifyingContract: getAddress(req.verifyingContract) };
  const signature = await deps.signer.signStatement(domain, message);
  return { accountId: id, domain, message, decimals: d, signature, signer: deps.signer.address };
}
