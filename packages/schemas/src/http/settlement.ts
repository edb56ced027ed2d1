import { z } from 'zod';
import { accountIdString, decimalString, unixSeconds } from './common.js';

const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x EVM address');
const uintString = z.string().regex(/^\d+$/, 'expected a non-negative integer string');
const intString = z.string().regex(/^-?\d+$/, 'expected an integer string');
const hexSignature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'expected a 65-byte 0x signature');

/**
 * A withdrawal request. `address` is the vault account (an EVM address linked to the account) and signs
 * `withdrawalRequestMessage` with EIP-191 `personal_sign`: that signature proves the owner asks for it,
 * whoever (the trader, or a protocol holding a protocol key) sends the request.
 */
export const withdrawalBody = z
  .object({
    chain: z.string().min(1).max(64),
    asset: z.string().min(1).max(32),
    /** Amount in the asset's units, e.g. "125.5". */
    amount: decimalString,
    address: evmAddress,
    /** Recipient on chain; defaults to `address`. */
    to: evmAddress.optional(),
    /** Client-chosen id, single use per account: a signed request cannot be replayed. */
    requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8-64 of [A-Za-z0-9_-]'),
    /** Unix seconds after which the signed request is refused (at most 10 minutes ahead). */
    expiresAt: unixSeconds,
    signature: hexSignature,
  })
  .strict();

const eip712Domain = z.object({
  name: z.literal('xmargin'),
  version: z.literal('1'),
  chainId: z.number().int().positive(),
  verifyingContract: evmAddress,
});

/** EIP-712 typed data of a vault Withdrawal or Seize (the same message fields). */
const authorisationTypedData = <T extends 'Withdrawal' | 'Seize'>(primaryType: T) =>
  z.object({
    domain: eip712Domain,
    primaryType: z.literal(primaryType),
    message: z.object({
      account: evmAddress,
      token: evmAddress,
      amount: uintString,
      to: evmAddress,
      nonce: uintString,
      deadline: uintString,
    }),
  });

/**
 * The engine-signed Seize of a vault-escrowed settlement instruction: anyone may submit
 * `vault.seize(typedData.message, signature)` before the deadline (the signature fixes the recipient).
 */
export const seizeAuthorisationDto = z.object({
  typedData: authorisationTypedData('Seize'),
  signature: hexSignature,
});

/** Reports the transaction that carries a signed Seize (the instruction becomes `submitted`). */
export const seizureSubmissionBody = z
  .object({ txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte 0x transaction hash') })
  .strict();

/** An authorised withdrawal: submit `vault.withdraw(typedData.message, signature)` before the deadline. */
export const withdrawalDto = z.object({
  accountId: accountIdString,
  withdrawalId: uintString,
  chain: z.string(),
  asset: z.string(),
  amount: decimalString,
  typedData: authorisationTypedData('Withdrawal'),
  signature: hexSignature,
  /** Until then (unless observed on chain earlier) the amount counts as withdrawn. */
  reservedUntil: unixSeconds,
  initialExcessAfter: z.number(),
});

export const marginStatementQuery = z
  .object({
    /** Chain id and contract that will verify the statement (its EIP-712 domain). */
    chainId: z.coerce.number().int().positive(),
    verifyingContract: evmAddress,
    /** The linked EVM address the statement names; defaults to the account's first linked one. */
    address: evmAddress.optional(),
  })
  .strict();

/** Engine-signed unified margin, verifiable on chain (MarginStatementVerifier). */
export const marginStatementDto = z.object({
  accountId: accountIdString,
  typedData: z.object({
    domain: eip712Domain,
    primaryType: z.literal('MarginStatement'),
    message: z.object({
      account: evmAddress,
      /** Fixed-point with `decimals` decimals; equity rounds down, requirements round up. */
      equity: intString,
      initialRequirement: uintString,
      maintenanceRequirement: uintString,
      paramsVersion: uintString,
      asOf: uintString,
      expiresAt: uintString,
    }),
  }),
  decimals: z.number().int(),
  signature: hexSignature,
  signer: evmAddress,
});
